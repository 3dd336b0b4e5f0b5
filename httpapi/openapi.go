package httpapi

import (
	"encoding"
	"encoding/json"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// pathParams describe the path variables of the route table.
var pathParams = map[string]param{
	"op":        {name: "op", desc: "the operation's id", schema: map[string]any{"type": "string"}},
	"job":       {name: "job", desc: "the job's id", schema: map[string]any{"type": "string"}},
	"v":         {name: "v", desc: "the version's number", schema: map[string]any{"type": "integer", "minimum": 1}},
	"iv":        {name: "iv", desc: `the intervention's id (a "/" in it sent as %2F)`, schema: map[string]any{"type": "string"}},
	"kind":      {name: "kind", desc: "whose calendar", schema: map[string]any{"type": "string", "enum": []any{"household", "crew", "pilot"}}},
	"who":       {name: "who", desc: "the household's, crew's or pilot's id, with or without .ics", schema: map[string]any{"type": "string"}},
	"feed":      {name: "feed", desc: "the feed's id", schema: map[string]any{"type": "string"}},
	"secret":    {name: "secret", desc: "the feed's secret, with .ics", schema: map[string]any{"type": "string"}},
	"file":      {name: "file", desc: "a file of the page", schema: map[string]any{"type": "string"}},
	"household": {name: "household", desc: "the household's id", schema: map[string]any{"type": "string"}},
	"request":   {name: "request", desc: `the request's id ("R" and its number)`, schema: map[string]any{"type": "string"}},
}

// errorDesc says what each error status means in this API.
var errorDesc = map[int]string{
	400: "invalid input: the errors name each field (JSON path, entity, id) or query parameter",
	401: "no bearer token, or an unknown one",
	403: "the token's role may not call this route, or the operation is not in its scope, or (a pilot cancelling a job) another token submitted the job",
	404: "no such operation, version, job, intervention, household, request or calendar, or no plan yet",
	409: "the state forbids it: already exists, not finished, not running, no plan",
	413: "the body is larger than the server takes",
	422: "the events cannot be applied to the operation, or the replan failed, or an Idempotency-Key was reused with another request; an uploaded workbook that does not give a valid problem (each error names its sheet, row, column, value and what was expected)",
	429: "too many solve jobs run at once; retry later",
	500: "an unexpected failure: the detail says nothing of it, the server logs it",
	501: "the server's store does not keep what the route reads or writes",
	503: "the server is shutting down, or its store does not answer",
}

// OpenAPI builds the OpenAPI 3 document from the route table, so that it lists
// exactly the routes that exist, with the parameters, bodies and statuses their
// entries declare.
func (s *Server) OpenAPI() map[string]any {
	ss := &schemaSet{defs: map[string]any{}, names: map[reflect.Type]string{}}
	ss.defs["ProblemDetails"] = problemSchema()
	paths := map[string]any{}
	for _, rt := range s.table() {
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = ss.operation(&rt)
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "rehabplan", "version": "1",
			"description": "Planning of renovation works in occupied social housing: operations, solve jobs, plan versions, events and replans, explanations, iCalendar feeds. Errors are RFC 9457 problems (application/problem+json)."},
		"servers": []any{map[string]any{"url": "/", "description": "the server that serves this document"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "a token of role admin, manager, pilot, contractor or viewer, scoped to operations (read and write are the old roles: viewer and manager of every operation); x-roles lists the roles a route lets in"}},
			"schemas": ss.defs,
		},
	}
}

// operation is the OpenAPI operation of rt.
func (ss *schemaSet) operation(rt *route) map[string]any {
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		params = append(params, paramDoc(pathParams[m[1]], "path", true))
	}
	for _, q := range rt.query {
		params = append(params, paramDoc(q, "query", q.required))
	}
	for _, h := range rt.headers {
		params = append(params, paramDoc(h, "header", h.required))
	}
	responses := map[string]any{}
	for _, a := range rt.answers {
		resp := map[string]any{"description": a.desc}
		if len(a.body) > 0 {
			resp["content"] = ss.contents(a.body)
		}
		if len(a.headers) > 0 {
			hs := map[string]any{}
			for _, h := range a.headers {
				hs[h.name] = map[string]any{"description": h.desc, "schema": h.schema}
			}
			resp["headers"] = hs
		}
		responses[strconv.Itoa(a.status)] = resp
	}
	for _, st := range rt.errorStatuses() {
		resp := map[string]any{"description": errorDesc[st],
			"content": map[string]any{"application/problem+json": map[string]any{"schema": ref("ProblemDetails")}}}
		if st == http.StatusUnauthorized {
			resp["headers"] = map[string]any{"WWW-Authenticate": map[string]any{"description": "the bearer challenge", "schema": map[string]any{"type": "string"}}}
		}
		responses[strconv.Itoa(st)] = resp
	}
	op := map[string]any{"operationId": rt.name, "summary": rt.summary, "responses": responses, "security": []any{}}
	if rt.role != public {
		op["security"] = []any{map[string]any{"bearer": []any{}}}
		op["x-roles"] = rt.role.names()
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": ss.contents(append([]content{*rt.body}, rt.alt...))}
	}
	return op
}

func paramDoc(p param, in string, required bool) map[string]any {
	return map[string]any{"name": p.name, "in": in, "required": required, "description": p.desc, "schema": p.schema}
}

func (ss *schemaSet) contents(cs []content) map[string]any {
	out := map[string]any{}
	for _, c := range cs {
		sch := c.schema
		if c.typ != nil {
			sch = ss.of(c.typ)
		}
		out[c.mediaType] = map[string]any{"schema": sch}
	}
	return out
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// problemSchema is the RFC 9457 problem rehabplan answers errors with.
func problemSchema() map[string]any {
	str := map[string]any{"type": "string"}
	return map[string]any{
		"type":     "object",
		"required": []any{"type", "title", "status"},
		"properties": map[string]any{
			"type": str, "title": str, "detail": str,
			"status": map[string]any{"type": "integer", "minimum": 400, "maximum": 599},
			"errors": map[string]any{"type": "array", "description": "the field errors of an invalid input",
				"items": map[string]any{"type": "object", "required": []any{"field", "detail"}, "properties": map[string]any{
					"field":    map[string]any{"type": "string", "description": "the JSON path in the document, or the query parameter"},
					"entity":   map[string]any{"type": "string", "description": "the kind of entity the field belongs to (intervention, crew...)"},
					"id":       map[string]any{"type": "string", "description": "the entity's id"},
					"detail":   str,
					"sheet":    map[string]any{"type": "string", "description": "an uploaded workbook's error: the sheet"},
					"row":      map[string]any{"type": "integer", "description": "an uploaded workbook's error: the row, from 1"},
					"column":   map[string]any{"type": "string", "description": "an uploaded workbook's error: the column's title"},
					"cell":     map[string]any{"type": "string", "description": "an uploaded workbook's error: the cell, D12"},
					"value":    map[string]any{"type": "string", "description": "an uploaded workbook's error: the value found"},
					"expected": map[string]any{"type": "string", "description": "an uploaded workbook's error: what was expected"},
				}}},
		},
	}
}

// schemaSet writes the JSON Schemas of Go types as encoding/json encodes them,
// each struct once under components/schemas.
type schemaSet struct {
	defs  map[string]any
	names map[reflect.Type]string
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
)

// of is the schema of t: a reference for a struct, inline otherwise.
func (ss *schemaSet) of(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType):
		return map[string]any{} // its own encoding: any value
	case t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := ss.of(t.Elem())
		if _, isRef := inner["$ref"]; isRef {
			return map[string]any{"nullable": true, "allOf": []any{inner}}
		}
		inner["nullable"] = true
		return inner
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		sch := map[string]any{"type": "array", "items": ss.of(t.Elem())}
		if t.Kind() == reflect.Slice {
			sch["nullable"] = true // a nil slice is encoded as null
		}
		return sch
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": ss.of(t.Elem()), "nullable": true}
	case reflect.Struct:
		return ref(ss.define(t))
	}
	return map[string]any{}
}

// define writes the schema of struct t under its name, once, and returns the name.
func (ss *schemaSet) define(t reflect.Type) string {
	if name, ok := ss.names[t]; ok {
		return name
	}
	name := t.Name()
	if name != "" {
		name = strings.ToUpper(name[:1]) + name[1:] // unexported answer types too
	}
	if _, taken := ss.defs[name]; taken || name == "" {
		pkg := path.Base(t.PkgPath())
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	ss.names[t] = name
	ss.defs[name] = map[string]any{} // a placeholder while its fields are written (recursive types)
	props := map[string]any{}
	var required []any
	ss.fields(t, props, &required)
	sch := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		sch["required"] = required
	}
	ss.defs[name] = sch
	return name
}

// fields adds the encoded fields of struct t (embedded structs' ones inline).
func (ss *schemaSet) fields(t reflect.Type, props map[string]any, required *[]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			ss.fields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = ss.of(f.Type)
		if !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,") {
			*required = append(*required, name)
		}
	}
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.OpenAPI())
}
