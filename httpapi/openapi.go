package httpapi

import (
	"net/http"
	"regexp"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// queryParam is a query parameter a route reads.
type queryParam struct {
	name, typ, desc string
}

var (
	qTimeLimit = queryParam{"time_limit", "string", "the search's time limit, a Go duration such as 10s (capped by the server)"}
	qWorkLimit = queryParam{"work_limit", "integer", "the schedules built before stopping (a deterministic run with seed); 0: none"}
	qSeed      = queryParam{"seed", "integer", "the seed of every random choice"}
)

// queryParams are the query parameters each route (by name) reads.
var queryParams = map[string][]queryParam{
	"startSolve": {qTimeLimit, qWorkLimit, qSeed},
	"postEvents": {qTimeLimit, qWorkLimit, qSeed,
		{"now", "string", "the time of the replan, RFC 3339 (default: the server's clock)"}},
	"diffVersions": {{"from", "integer", "the older version's number"}, {"to", "integer", "the newer version's number"}},
	"explain":      {{"lang", "string", "the explanation's language, en or fr; without it, French when Accept-Language prefers it, else English"}},
}

// OpenAPI builds the OpenAPI 3 document from the route table, so that it lists
// exactly the routes that exist.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.table() {
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range queryParams[rt.name] {
			params = append(params, map[string]any{"name": q.name, "in": "query", "required": false,
				"description": q.desc, "schema": map[string]any{"type": q.typ}})
		}
		op := map[string]any{
			"operationId": rt.name,
			"summary":     rt.summary,
			"responses": map[string]any{
				"200":     map[string]any{"description": "OK"},
				"default": map[string]any{"description": "an RFC 9457 problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		if rt.role != "" {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["x-role"] = rt.role
		} else {
			op["security"] = []any{}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.method == "POST" || rt.method == "PUT" {
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "rehabplan", "version": "1", "description": "Planning of renovation works in occupied social housing: operations, solve jobs, plan versions, events and replans, explanations, iCalendar feeds."},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
				"detail": map[string]any{"type": "string"}, "errors": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
			}}},
		},
	}
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, s.OpenAPI())
}
