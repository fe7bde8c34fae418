package amazonconnect

import (
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"time"

	"routemap/internal/atomicfile"
)

// cacheVersion is the version of the cache file format.
const cacheVersion = 1

// cacheEntry is what DescribeQuickConnect said about a USER quick
// connect, valid while the quick connect's LastModifiedTime stays the
// same.
type cacheEntry struct {
	LastModifiedTime time.Time `json:"last_modified_time"`
	UserID           string    `json:"user_id"`
}

// cacheFile is the cache on disk. It belongs to one instance; a file of
// another instance is ignored.
type cacheFile struct {
	Version       int                   `json:"version"`
	InstanceARN   string                `json:"instance_arn"`
	QuickConnects map[string]cacheEntry `json:"quick_connects"`
}

// loadCache returns the cached entries. A cache that cannot be read only
// costs DescribeQuickConnect calls, so it is logged and treated as empty.
func (d *Directory) loadCache() map[string]cacheEntry {
	if d.cachePath == "" {
		d.mu.Lock()
		defer d.mu.Unlock()
		return maps.Clone(d.memCache)
	}
	data, err := os.ReadFile(d.cachePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		d.logger.Warn("read quick connect cache", slog.String("path", d.cachePath), slog.Any("error", err))
		return nil
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil || f.Version != cacheVersion {
		d.logger.Warn("ignore unreadable quick connect cache", slog.String("path", d.cachePath), slog.Any("error", err),
			slog.Int("version", f.Version))
		return nil
	}
	if f.InstanceARN != d.instanceARN {
		d.logger.Info("ignore quick connect cache of another instance", slog.String("path", d.cachePath),
			slog.String("cache_instance_arn", f.InstanceARN))
		return nil
	}
	return f.QuickConnects
}

// storeCache replaces the cache with entries. Failing to write it only
// costs DescribeQuickConnect calls next time, so it is logged.
func (d *Directory) storeCache(entries map[string]cacheEntry) {
	if d.cachePath == "" {
		d.mu.Lock()
		d.memCache = entries
		d.mu.Unlock()
		return
	}
	data, err := json.MarshalIndent(cacheFile{Version: cacheVersion, InstanceARN: d.instanceARN, QuickConnects: entries}, "", " ")
	if err == nil {
		err = atomicfile.WriteFile(d.cachePath, data, 0o600)
	}
	if err != nil {
		d.logger.Warn("write quick connect cache", slog.String("path", d.cachePath), slog.Any("error", err))
	}
}
