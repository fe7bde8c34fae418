package sqlite

import (
	"sync"

	"routemap"
	"routemap/sfid"
)

// mapCache keeps recently read routing maps by id, so that repeated reads
// of the same maps (a GET-heavy API client) skip SQLite's per-statement
// read transaction. It is correct because this process is the only writer
// of routing maps: the writer drops the ids it changed after each commit.
//
// A reader may fill the cache only if no commit happened since it started
// reading (gen unchanged); the check and the fill, and a writer's bump and
// drops, happen under one mutex, so a value read before a commit can never
// be stored after that commit's drops.
type mapCache struct {
	mu   sync.Mutex
	gen  uint64
	maps map[sfid.ID]cachedMap // by id; ids are unique across orgs
}

type cachedMap struct {
	org sfid.ID
	m   routemap.RoutingMap
}

// maxCachedMaps bounds the cache; past it the cache starts afresh.
const maxCachedMaps = 100000

func newMapCache() *mapCache { return &mapCache{maps: make(map[sfid.ID]cachedMap)} }

// get returns a copy of a cached map of the org, or nil, and the
// generation to pass to put.
func (c *mapCache) get(org, id sfid.ID) (*routemap.RoutingMap, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.maps[id]; ok && e.org == org {
		cp := e.m
		return &cp, c.gen
	}
	return nil, c.gen
}

// put stores a map read at generation gen, unless a commit came since.
func (c *mapCache) put(m *routemap.RoutingMap, org sfid.ID, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.maps) >= maxCachedMaps {
		c.maps = make(map[sfid.ID]cachedMap)
	}
	c.maps[m.ID] = cachedMap{org: org, m: *m}
}

// drop forgets the maps a commit changed and starts a new generation.
func (c *mapCache) drop(ids []sfid.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range ids {
		delete(c.maps, id)
	}
}

// reset empties the cache.
func (c *mapCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.maps = make(map[sfid.ID]cachedMap)
}
