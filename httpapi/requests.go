package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/rehabplan/rehabplan/model"
)

// Tenants' requests: the pilot's log, per household, of the requests and
// complaints a household makes during the works (a noise, a missed
// appointment, a damaged floor...): when it came, its subject, its status
// (open, in progress, closed), the interventions it is about, the date the pilot
// means to follow it up, and free text. Only pilots, managers and admins read or
// write it; contractors and viewers never see it. What a request says is never
// in a log or an error message: errors name the field, never its value.

// The statuses of a request.
const (
	RequestOpen       = "open"
	RequestInProgress = "in_progress"
	RequestClosed     = "closed"
)

// The bounds of a request's fields.
const (
	maxSubjectRunes   = 200
	maxTextBytes      = 10_000
	maxLinkedRequests = 100
)

// TenantRequest is one request or complaint of a household, as stored.
type TenantRequest struct {
	// ID is "R" and the request's number in the operation, given by the store.
	ID        string `json:"id"`
	Household string `json:"household"`
	// Date is the day the request came, YYYY-MM-DD.
	Date    string `json:"date"`
	Subject string `json:"subject"`
	// Status is open, in_progress or closed.
	Status string `json:"status"`
	// Interventions are the ids of the interventions the request is about.
	Interventions []string `json:"interventions"`
	// FollowUp is the day the pilot means to follow the request up, YYYY-MM-DD.
	FollowUp string `json:"follow_up,omitempty"`
	Text     string `json:"text,omitempty"`
	// Revision counts the writes of the request, from 1.
	Revision int       `json:"revision"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	// UpdatedBy is the id of the token of the last write (never the token).
	UpdatedBy string `json:"updated_by"`
	// Incarnation is the operation's incarnation the request belongs to.
	Incarnation string `json:"incarnation"`
}

// tenantRequestBody is the body of an addition or an update: what a pilot
// writes of a request.
type tenantRequestBody struct {
	// Date is the day the request came, YYYY-MM-DD (required).
	Date string `json:"date"`
	// Subject is a short title, at most 200 characters (required).
	Subject string `json:"subject"`
	// Status is open (the default), in_progress or closed.
	Status string `json:"status,omitempty"`
	// Interventions are the ids of the operation's interventions the request
	// is about (at most 100, each once).
	Interventions []string `json:"interventions,omitempty"`
	// FollowUp is the day to follow the request up, YYYY-MM-DD, not before
	// Date.
	FollowUp string `json:"follow_up,omitempty"`
	// Text is free text, at most 10,000 bytes.
	Text string `json:"text,omitempty"`
}

// tenantRequestAnswer is a request as the API answers it: the record and its
// entity tag, to send as If-Match to update it.
type tenantRequestAnswer struct {
	TenantRequest
	ETag string `json:"etag"`
}

type tenantRequestsAnswer struct {
	Operation string                `json:"operation"`
	Requests  []tenantRequestAnswer `json:"requests"`
}

// requestETag is a request's entity tag: the operation's incarnation, the
// request's id and its revision (a request of a re-created operation never
// matches a tag of the deleted one's).
func requestETag(req *TenantRequest) string {
	return fmt.Sprintf(`"%s.%s.%d"`, req.Incarnation, req.ID, req.Revision)
}

func answerOf(req TenantRequest) tenantRequestAnswer {
	return tenantRequestAnswer{TenantRequest: req, ETag: requestETag(&req)}
}

// invalidRequest is the 400 of a request body: the fields, never their values.
func invalidRequest(fes []*model.FieldError) error {
	return &apiError{Status: http.StatusBadRequest, Title: "invalid request", Detail: fes[0].Error(), Fields: fes}
}

// decodeTenantRequest reads and checks a request's body, alone (the household
// and the interventions are checked against the operation by the handler). Its
// errors name the fields, never what they hold.
func decodeTenantRequest(data []byte) (*tenantRequestBody, error) {
	var b tenantRequestBody
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, invalidRequest([]*model.FieldError{{Field: jsonErrorField(err), Msg: jsonErrorKind(err)}})
	}
	if dec.More() {
		return nil, invalidRequest([]*model.FieldError{{Field: "(document)", Msg: "more than one JSON value"}})
	}
	var fes []*model.FieldError
	add := func(field, format string, args ...any) {
		fes = append(fes, &model.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	date, dateErr := time.Parse(time.DateOnly, b.Date)
	switch {
	case b.Date == "":
		add("date", "missing: the day the request came, YYYY-MM-DD")
	case dateErr != nil:
		add("date", "not a date YYYY-MM-DD")
	}
	switch n := utf8.RuneCountInString(b.Subject); {
	case strings.TrimSpace(b.Subject) == "":
		add("subject", "missing")
	case n > maxSubjectRunes:
		add("subject", "%d characters: at most %d", n, maxSubjectRunes)
	}
	if !utf8.ValidString(b.Subject) || strings.ContainsRune(b.Subject, 0) {
		add("subject", "holds invalid UTF-8 or a NUL character")
	}
	switch b.Status {
	case "":
		b.Status = RequestOpen
	case RequestOpen, RequestInProgress, RequestClosed:
	default:
		add("status", "not open, in_progress or closed")
	}
	if b.FollowUp != "" {
		f, err := time.Parse(time.DateOnly, b.FollowUp)
		if err != nil {
			add("follow_up", "not a date YYYY-MM-DD")
		} else if dateErr == nil && f.Before(date) {
			add("follow_up", "before the request's date")
		}
	}
	if len(b.Text) > maxTextBytes {
		add("text", "%d bytes: at most %d", len(b.Text), maxTextBytes)
	}
	if !utf8.ValidString(b.Text) || strings.ContainsRune(b.Text, 0) {
		add("text", "holds invalid UTF-8 or a NUL character")
	}
	if len(b.Interventions) > maxLinkedRequests {
		add("interventions", "%d: at most %d", len(b.Interventions), maxLinkedRequests)
	}
	seen := map[string]bool{}
	for i, iv := range b.Interventions {
		field := fmt.Sprintf("interventions[%d]", i)
		switch {
		case iv == "":
			add(field, "empty")
		case len(iv) > maxIDBytes:
			add(field, "%d bytes: at most %d", len(iv), maxIDBytes)
		case checkIDText(iv) != nil:
			add(field, "%v", checkIDText(iv))
		case seen[iv]:
			add(field, "named twice")
		}
		seen[iv] = true
	}
	if b.Interventions == nil {
		b.Interventions = []string{}
	}
	if len(fes) > 0 {
		return nil, invalidRequest(fes)
	}
	return &b, nil
}

// jsonErrorField is the field a JSON decoding error is about, or "(document)".
// An unknown field is not named: its name is the client's text, which could be
// anything (even what the request says).
func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field
	}
	return "(document)"
}

// jsonErrorKind says what is wrong with a body that is not a request, without
// quoting it.
func jsonErrorKind(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return "not a " + te.Type.String()
	case errors.As(err, &se):
		return fmt.Sprintf("not JSON (at byte %d)", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "a field that is none of date, subject, status, interventions, follow_up, text"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "not a JSON object (empty or cut short)"
	}
	return "not a request object"
}

// checkAgainst checks the household and the interventions against the
// operation's problem.
func (b *tenantRequestBody) checkAgainst(p *model.Problem, household string) error {
	x := model.NewIndex(p)
	if x.Households[household] == nil {
		return fmt.Errorf("household %q: %w", household, ErrNotFound)
	}
	var fes []*model.FieldError
	for i, iv := range b.Interventions {
		if x.Interventions[iv] == nil {
			fes = append(fes, &model.FieldError{Field: fmt.Sprintf("interventions[%d]", i), Msg: "no such intervention in the operation"})
		}
	}
	if len(fes) > 0 {
		return invalidRequest(fes)
	}
	return nil
}

// RequestLog keeps the tenants' requests of each operation's current
// incarnation; deleting the operation deletes them. BoltStore and PGStore
// implement it.
type RequestLog interface {
	// AddRequest stores req as a new request of op's incarnation, numbered
	// after the operation's last (ID, Revision 1, Incarnation set by the
	// store), and returns it. ErrNotFound when op's current incarnation is
	// not incarnation. A key of idem already used on the incarnation returns
	// the request it made (replayed), or ErrIdempotencyMismatch when it came
	// with another request.
	AddRequest(op, incarnation string, req TenantRequest, idem Idem) (out *TenantRequest, replayed bool, err error)
	// UpdateRequest replaces request req.ID of household req.Household on
	// op's incarnation with req, its revision raised, and returns it; Created
	// is kept. revision > 0 is the revision the write is based on: another
	// is a *RequestConflictError. ErrNotFound when there is no such request.
	UpdateRequest(op, incarnation string, req TenantRequest, revision int) (*TenantRequest, error)
	// Requests lists the requests of op's current incarnation (of household
	// only, unless it is ""), by household then number. ErrNotFound when
	// there is no operation op.
	Requests(op, household string) ([]TenantRequest, error)
}

// requestIdemMismatch is the ErrIdempotencyMismatch of a key reused with
// another request body.
func requestIdemMismatch(op, k string, seq uint64) error {
	if len(k) > 40 {
		k = k[:40] + "…"
	}
	return fmt.Errorf("operation %q: Idempotency-Key %q added request R%d with another body: %w", op, k, seq, ErrIdempotencyMismatch)
}

// RequestConflictError is an update based on a revision that is not the
// request's current one.
type RequestConflictError struct {
	Current TenantRequest
}

func (e *RequestConflictError) Error() string {
	return fmt.Sprintf("request %s is at revision %d (ETag %s): If-Match names another; read it again", e.Current.ID, e.Current.Revision, requestETag(&e.Current))
}

func (e *RequestConflictError) Unwrap() error { return ErrConflict }

// requestSeq is the number of a request id "R<n>" (0 when it is none).
func requestSeq(id string) uint64 {
	n, err := strconv.ParseUint(strings.TrimPrefix(id, "R"), 10, 63)
	if err != nil || !strings.HasPrefix(id, "R") || "R"+strconv.FormatUint(n, 10) != id {
		return 0
	}
	return n
}

func sortRequests(rs []TenantRequest) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Household != rs[j].Household {
			return rs[i].Household < rs[j].Household
		}
		return requestSeq(rs[i].ID) < requestSeq(rs[j].ID)
	})
}

// The bbolt layout: the bucket "requests" holds a bucket per operation, holding
// "incarnation" (the incarnation its records belong to), "r" + the number (8
// bytes, big-endian) -> the request (JSON), and "k" + the SHA-256 of an
// idempotency key -> requestKey (JSON).
var bRequests = []byte("requests")

type requestKey struct {
	Seq     uint64 `json:"seq"`
	Request []byte `json:"request"`
}

func requestRecordKey(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte("r"), seq) }

// boltRequests is op's bucket of requests for its current incarnation inc: nil
// when there is none (or only a stale one, left by an older incarnation).
func boltRequests(tx *bolt.Tx, op, inc string) *bolt.Bucket {
	top := tx.Bucket(bRequests)
	if top == nil {
		return nil
	}
	b := top.Bucket([]byte(op))
	if b == nil || string(b.Get([]byte("incarnation"))) != inc {
		return nil
	}
	return b
}

// deleteBoltRequests removes op's requests (DeleteOperation).
func deleteBoltRequests(tx *bolt.Tx, op string) error {
	top := tx.Bucket(bRequests)
	if top == nil || top.Bucket([]byte(op)) == nil {
		return nil
	}
	return top.DeleteBucket([]byte(op))
}

func getBoltRequest(b *bolt.Bucket, seq uint64) (*TenantRequest, error) {
	data := b.Get(requestRecordKey(seq))
	if data == nil {
		return nil, nil
	}
	var req TenantRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return nil, fmt.Errorf("stored request R%d: %w", seq, err)
	}
	return &req, nil
}

// AddRequest implements RequestLog.
func (s *BoltStore) AddRequest(op, incarnation string, req TenantRequest, idem Idem) (*TenantRequest, bool, error) {
	var out *TenantRequest
	replayed := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		if cur.Incarnation != incarnation {
			return gone(op, incarnation, cur)
		}
		b := boltRequests(tx, op, incarnation)
		if b == nil {
			top, err := tx.CreateBucketIfNotExists(bRequests)
			if err != nil {
				return err
			}
			if top.Bucket([]byte(op)) != nil {
				if err := top.DeleteBucket([]byte(op)); err != nil {
					return err
				}
			}
			if b, err = top.CreateBucket([]byte(op)); err != nil {
				return err
			}
			if err := b.Put([]byte("incarnation"), []byte(incarnation)); err != nil {
				return err
			}
		}
		var kh [32]byte
		if idem.Key != "" {
			kh = sha256.Sum256([]byte(idem.Key))
			if data := b.Get(append([]byte("k"), kh[:]...)); data != nil {
				var k requestKey
				if err := json.Unmarshal(data, &k); err != nil {
					return fmt.Errorf("stored idempotency key: %w", err)
				}
				if !bytes.Equal(k.Request, idem.Request[:]) {
					return requestIdemMismatch(op, idem.Key, k.Seq)
				}
				out, replayed = nil, true
				if out, err = getBoltRequest(b, k.Seq); err == nil && out == nil {
					err = fmt.Errorf("request R%d of a stored idempotency key: %w", k.Seq, ErrNotFound)
				}
				return err
			}
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		nr := req
		nr.ID, nr.Revision, nr.Incarnation = "R"+strconv.FormatUint(seq, 10), 1, incarnation
		data, err := json.Marshal(nr)
		if err != nil {
			return err
		}
		if err := b.Put(requestRecordKey(seq), data); err != nil {
			return err
		}
		if idem.Key != "" {
			k, err := json.Marshal(requestKey{Seq: seq, Request: idem.Request[:]})
			if err != nil {
				return err
			}
			if err := b.Put(append([]byte("k"), kh[:]...), k); err != nil {
				return err
			}
		}
		out = &nr
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

// UpdateRequest implements RequestLog.
func (s *BoltStore) UpdateRequest(op, incarnation string, req TenantRequest, revision int) (*TenantRequest, error) {
	var out *TenantRequest
	err := s.db.Update(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		if cur.Incarnation != incarnation {
			return gone(op, incarnation, cur)
		}
		seq := requestSeq(req.ID)
		var old *TenantRequest
		b := boltRequests(tx, op, incarnation)
		if b != nil && seq > 0 {
			if old, err = getBoltRequest(b, seq); err != nil {
				return err
			}
		}
		if old == nil || old.Household != req.Household {
			return fmt.Errorf("request %q of household %q: %w", req.ID, req.Household, ErrNotFound)
		}
		if revision > 0 && revision != old.Revision {
			return &RequestConflictError{Current: *old}
		}
		nr := updated(old, req)
		data, err := json.Marshal(nr)
		if err != nil {
			return err
		}
		out = &nr
		return b.Put(requestRecordKey(seq), data)
	})
	return out, err
}

// updated is old replaced by req: the same id, household, incarnation and
// creation, the next revision.
func updated(old *TenantRequest, req TenantRequest) TenantRequest {
	req.ID, req.Household, req.Incarnation, req.Created = old.ID, old.Household, old.Incarnation, old.Created
	req.Revision = old.Revision + 1
	return req
}

// Requests implements RequestLog.
func (s *BoltStore) Requests(op, household string) ([]TenantRequest, error) {
	out := []TenantRequest{}
	err := s.db.View(func(tx *bolt.Tx) error {
		cur, err := head(tx, op)
		if err != nil {
			return err
		}
		b := boltRequests(tx, op, cur.Incarnation)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte("r")); k != nil && k[0] == 'r'; k, v = c.Next() {
			var req TenantRequest
			if err := json.Unmarshal(v, &req); err != nil {
				return fmt.Errorf("stored request of operation %q: %w", op, err)
			}
			if household == "" || req.Household == household {
				out = append(out, req)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortRequests(out)
	return out, nil
}

// The query parameters of the operation's requests.
var (
	qOverdue = param{name: "overdue", desc: "a day, YYYY-MM-DD (the pilot's today): only the requests not closed whose follow-up date is before it",
		schema: map[string]any{"type": "string", "format": "date"}, parse: parseDate}
	qStatus = param{name: "status", desc: "only the requests of this status",
		schema: map[string]any{"type": "string", "enum": []any{RequestOpen, RequestInProgress, RequestClosed}}, parse: parseRequestStatus}
)

func parseDate(v string) (any, error) {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return nil, fmt.Errorf("%q is not a date such as 2027-03-01", v)
	}
	return v, nil
}

func parseRequestStatus(v string) (any, error) {
	if v != RequestOpen && v != RequestInProgress && v != RequestClosed {
		return nil, fmt.Errorf("%q is not open, in_progress or closed", v)
	}
	return v, nil
}

// requestLog is the server's request log: its store's (nil when the store
// keeps none: the routes answer 501).
func (s *Server) requestLog() (RequestLog, error) {
	if l, ok := s.cfg.Store.(RequestLog); ok {
		return l, nil
	}
	return nil, errorf(http.StatusNotImplemented, "no request log", "this server's store keeps no tenants' requests")
}

// listRequests answers a household's requests.
func (s *Server) listHouseholdRequests(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	return s.answerRequests(w, r, vars["op"], vars["household"], "listHouseholdRequests")
}

// listRequests answers the operation's requests, filtered by the query.
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) error {
	return s.answerRequests(w, r, pathVars(r)["op"], "", "listRequests")
}

func (s *Server) answerRequests(w http.ResponseWriter, r *http.Request, op, household, route string) error {
	l, err := s.requestLog()
	if err != nil {
		return err
	}
	rs, err := l.Requests(op, household)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	overdue, byDate := arg[string](r, qOverdue.name)
	status, byStatus := arg[string](r, qStatus.name)
	ans := tenantRequestsAnswer{Operation: op, Requests: []tenantRequestAnswer{}}
	for _, req := range rs {
		if byDate && (req.Status == RequestClosed || req.FollowUp == "" || req.FollowUp >= overdue) {
			continue
		}
		if byStatus && req.Status != status {
			continue
		}
		ans.Requests = append(ans.Requests, answerOf(req))
	}
	who := household
	if who == "" {
		who = "*"
	}
	if err := s.audited(r, op, who, route); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ans)
}

// requestWrite reads and checks a request's body against the operation's
// latest version: the record to write and the incarnation it is for.
func (s *Server) requestWrite(w http.ResponseWriter, r *http.Request) (*TenantRequest, []byte, error) {
	vars := pathVars(r)
	op, household := vars["op"], vars["household"]
	data, err := s.body(w, r)
	if err != nil {
		return nil, nil, err
	}
	b, err := decodeTenantRequest(data)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.latestVersion(op)
	if err != nil {
		return nil, nil, err
	}
	if err := b.checkAgainst(v.Problem, household); err != nil {
		return nil, nil, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	g := grantOf(r)
	by := "-"
	if g != nil {
		by = g.ID
	}
	return &TenantRequest{Household: household, Date: b.Date, Subject: b.Subject, Status: b.Status, Interventions: b.Interventions,
		FollowUp: b.FollowUp, Text: b.Text, Created: now, Updated: now, UpdatedBy: by, Incarnation: v.Incarnation}, data, nil
}

// addRequest adds a request to a household's log.
func (s *Server) addRequest(w http.ResponseWriter, r *http.Request) error {
	l, err := s.requestLog()
	if err != nil {
		return err
	}
	vars := pathVars(r)
	op, household := vars["op"], vars["household"]
	req, data, err := s.requestWrite(w, r)
	if err != nil {
		return err
	}
	idem := NewIdem(r.Header.Get(hIdempotencyKey.name), r.Method, r.URL.RequestURI(), data)
	out, replayed, err := l.AddRequest(op, req.Incarnation, *req, idem)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if err := s.audited(r, op, household, "addRequest"); err != nil {
		return err
	}
	w.Header().Set(hETag.name, requestETag(out))
	if replayed {
		w.Header().Set(hReplayed.name, "true")
		return writeJSON(w, http.StatusOK, answerOf(*out))
	}
	w.Header().Set(hLocation.name, "/v1/operations/"+url.PathEscape(op)+"/households/"+url.PathEscape(household)+"/requests/"+out.ID)
	return writeJSON(w, http.StatusCreated, answerOf(*out))
}

// requestIfMatch is the revision an update's If-Match names on incarnation inc
// and request id: 0 when it names none (no header, or "*"); -1 when it names
// another request, incarnation or a weak tag (never matches).
func requestIfMatch(r *http.Request, inc, id string) int {
	h := strings.TrimSpace(r.Header.Get(hIfMatch.name))
	if h == "" || h == "*" {
		return 0
	}
	for _, t := range strings.Split(h, ",") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(t), `"`+inc+"."+id+".")
		if !ok || !strings.HasSuffix(rest, `"`) {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSuffix(rest, `"`)); err == nil && n > 0 {
			return n
		}
	}
	return -1
}

// updateRequest replaces a request of a household's log (its status, its
// follow-up...), with If-Match on its revision.
func (s *Server) updateRequest(w http.ResponseWriter, r *http.Request) error {
	l, err := s.requestLog()
	if err != nil {
		return err
	}
	vars := pathVars(r)
	op, household, id := vars["op"], vars["household"], vars["request"]
	req, _, err := s.requestWrite(w, r)
	if err != nil {
		return err
	}
	req.ID = id
	rev := requestIfMatch(r, req.Incarnation, id)
	var out *TenantRequest
	if rev < 0 {
		// a tag of another state: answered 412 with the current one
		rs, err := l.Requests(op, household)
		if err != nil {
			return wrapStore(err, "operation %q", op)
		}
		i := slices.IndexFunc(rs, func(x TenantRequest) bool { return x.ID == id })
		if i < 0 {
			return fmt.Errorf("request %q of household %q: %w", id, household, ErrNotFound)
		}
		err = &RequestConflictError{Current: rs[i]}
		return &apiError{Status: http.StatusPreconditionFailed, Title: "precondition failed", Detail: err.Error()}
	}
	out, err = l.UpdateRequest(op, req.Incarnation, *req, rev)
	var ce *RequestConflictError
	if errors.As(err, &ce) {
		return &apiError{Status: http.StatusPreconditionFailed, Title: "precondition failed", Detail: err.Error()}
	}
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if err := s.audited(r, op, household, "updateRequest"); err != nil {
		return err
	}
	w.Header().Set(hETag.name, requestETag(out))
	return writeJSON(w, http.StatusOK, answerOf(*out))
}
