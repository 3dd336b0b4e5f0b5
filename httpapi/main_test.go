package httpapi

import (
	"os"
	"testing"

	"github.com/rehabplan/rehabplan/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL server the store suite may start.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}
