package httpapi

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// The planning page: plain files embedded in the binary (no build step).
//
//go:embed web
var webFiles embed.FS

func (s *Server) pageRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/app/", http.StatusFound)
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	name := pathVars(r)["file"]
	if name == "" {
		name = "index.html"
	}
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		problem(w, http.StatusNotFound, "not found", name, nil)
		return
	}
	sub, _ := fs.Sub(webFiles, "web")
	if _, err := fs.Stat(sub, name); err != nil {
		problem(w, http.StatusNotFound, "not found", name, nil)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'")
	http.ServeFileFS(w, r, sub, name)
}

func (s *Server) holidays(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	dates := v.Problem.HolidayDates()
	if dates == nil {
		dates = []string{}
	}
	writeJSON(w, 200, map[string]any{"operation": op, "dates": dates})
}
