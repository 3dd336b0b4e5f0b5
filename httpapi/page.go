package httpapi

import (
	"embed"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The planning page: plain files embedded in the binary (no build step).
//
//go:embed web
var webFiles embed.FS

func (s *Server) pageRedirect(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Location", "/app/")
	writeBody(w, http.StatusFound, "text/html; charset=utf-8", []byte("<a href=\"/app/\">Found</a>.\n"))
	return nil
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) error {
	name := pathVars(r)["file"]
	if name == "" {
		name = "index.html"
	}
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return fmt.Errorf("page file %q: %w", name, ErrNotFound)
	}
	data, err := fs.ReadFile(webFiles, "web/"+name)
	if err != nil {
		return fmt.Errorf("page file %q: %w", name, ErrNotFound)
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'")
	writeBody(w, http.StatusOK, ctype, data)
	return nil
}
