package sqlite_test

import (
	"path/filepath"
	"sync"
	"testing"

	"routemap"
	"routemap/sqlite"
	"routemap/storetest"
)

func TestStore(t *testing.T) {
	t.Run("File", func(t *testing.T) {
		// paths remembers each test's database so a second open in the
		// same test reopens it.
		var mu sync.Mutex
		paths := map[*testing.T]string{}
		storetest.Run(t, func(t *testing.T) routemap.Store {
			mu.Lock()
			path, ok := paths[t]
			if !ok {
				path = filepath.Join(t.TempDir(), "routemap.db")
				paths[t] = path
			}
			mu.Unlock()
			return openStore(t, path)
		})
	})
	t.Run("Memory", func(t *testing.T) {
		var mu sync.Mutex
		opened := map[*testing.T]bool{}
		storetest.Run(t, func(t *testing.T) routemap.Store {
			mu.Lock()
			again := opened[t]
			opened[t] = true
			mu.Unlock()
			if again {
				t.Skip("an in-memory database cannot be reopened")
			}
			return openStore(t, ":memory:")
		})
	})
}

// MustOpenStore opens a store on a new database file in a temporary
// directory and closes it when the test ends.
func MustOpenStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return openStore(tb, filepath.Join(tb.TempDir(), "routemap.db"))
}

func openStore(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return s
}
