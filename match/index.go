package match

import (
	"hash/maphash"
	"strings"
)

// agentIndex is an open-addressing (linear probing) table from the hash
// of an agent's folded key to the first agent with that key. Agents whose
// keys fold to the same text are chained through matcher.next. The keys
// themselves sit in one arena, each followed by a 0 byte, so confirming a
// hash match reads one place in memory rather than the Agent and then its
// string. A hash match is always confirmed, so two keys that collide only
// cost a longer probe.
type agentIndex struct {
	seed  maphash.Seed
	slots []islot
	mask  int
	arena []byte // the agents' trimmed keys, as written, 0-terminated
}

// islot is one slot of the table.
type islot struct {
	h uint64
	// a is agent+1, 0 for an empty slot, negated when other agents share
	// the key (see matcher.next).
	a int32
	// off is where the key starts in the arena.
	off uint32
}

func (s islot) agent() int32 {
	if s.a < 0 {
		return -s.a - 1
	}
	return s.a - 1
}

func newAgentIndex(n, keyBytes int) agentIndex {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return agentIndex{seed: maphash.MakeSeed(), slots: make([]islot, size), mask: size - 1, arena: make([]byte, 0, keyBytes)}
}

// hash returns the hash of b with ASCII letters folded, using tmp as
// scratch space.
func (x *agentIndex) hash(b []byte, tmp *[]byte) uint64 {
	*tmp = foldBytes((*tmp)[:0], b)
	return maphash.Bytes(x.seed, *tmp)
}

// key returns the arena bytes of the key at off, without its 0.
func (x *agentIndex) key(off uint32) []byte {
	b := x.arena[off:]
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// same reports whether the arena key at off equals b ignoring case, and
// whether it equals b exactly.
func (x *agentIndex) same(off uint32, b []byte) (fold, exact bool) {
	a := x.arena[int(off):]
	if len(a) <= len(b) || a[len(b)] != 0 {
		return false, false
	}
	exact = true
	for i, c := range b {
		d := a[i]
		if c == d {
			continue
		}
		exact = false
		if c|0x20 != d|0x20 || c|0x20-'a' >= 26 {
			return false, false
		}
	}
	return true, exact
}

// batch is how many agents or members the index handles at a time: first
// it hashes them all and reads their table slots in a tight loop, so that
// the processor fetches many slots from memory at once, then it uses
// them. A million agents' table is far larger than the processor's
// caches, and this is what keeps a lookup from costing a full trip to
// memory.
const batch = 256

func (m *matcher) indexAgents() {
	n := len(m.agents)
	size := 0
	for i := range m.agents {
		size += len(trim(m.agentKey(&m.agents[i]))) + 1
	}
	m.idx = newAgentIndex(n, size)
	m.next = make([]int32, n)
	m.owner = make([]int32, n)
	x := &m.idx
	var offs [batch]uint32
	var hs [batch]uint64
	var sink int32
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		for i := start; i < end; i++ {
			m.next[i], m.owner[i] = -1, -1
			offs[i-start] = ^uint32(0)
			k := trim(m.agentKey(&m.agents[i]))
			if k == "" {
				continue
			}
			off := uint32(len(x.arena))
			x.arena = append(append(x.arena, k...), 0)
			offs[i-start] = off
			hs[i-start] = x.hash(x.arena[off:int(off)+len(k)], &m.fold)
		}
		for k := range end - start {
			sink += x.slots[int(hs[k])&x.mask].a
		}
		for i := start; i < end; i++ {
			if off := offs[i-start]; off != ^uint32(0) {
				m.insert(int32(i), hs[i-start], off)
			}
		}
	}
	m.sink = sink
}

// insert adds agent i, whose key at off hashes to h.
func (m *matcher) insert(i int32, h uint64, off uint32) {
	x := &m.idx
	for p := int(h) & x.mask; ; p = (p + 1) & x.mask {
		s := &x.slots[p]
		if s.a == 0 {
			*s = islot{h: h, a: i + 1, off: off}
			return
		}
		if s.h != h {
			continue
		}
		if fold, _ := x.same(s.off, x.key(off)); fold {
			first := s.agent()
			if s.a > 0 {
				s.a = -s.a
			}
			for m.next[first] >= 0 {
				first = m.next[first]
			}
			m.next[first] = i
			return
		}
	}
}

// find returns the slot of the key equal to b ignoring case, given b's
// hash h, or nil.
func (m *matcher) find(h uint64, b []byte) *islot {
	x := &m.idx
	for p := int(h) & x.mask; ; p = (p + 1) & x.mask {
		s := &x.slots[p]
		if s.a == 0 {
			return nil
		}
		if s.h == h {
			if fold, _ := x.same(s.off, b); fold {
				return s
			}
		}
	}
}

// lookup returns the first agent whose key equals b ignoring case, or -1.
func (m *matcher) lookup(b []byte) int32 {
	if s := m.find(m.idx.hash(b, &m.fold), b); s != nil {
		return s.agent()
	}
	return -1
}

// pair runs the main loop over the members, a batch at a time: render
// each member's expected key and hash it; read the table slots of the
// whole batch; find each key's slot and read the agent key it points to;
// then confirm each key and pair the member with the single agent that
// has it. The loops that only read run many loads at once. Members
// without a key, inactive members and lookups that find no single agent
// go to m.misses for explain.
func (m *matcher) pair() {
	x := &m.idx
	n := len(m.members)
	var hs [batch]uint64
	var ends [batch]int32  // end of each key in keys; -1 for no key
	var found [batch]int32 // slot whose hash is the key's, -1 for none
	var keys []byte
	var sink int32
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		size := end - start
		keys = keys[:0]
		for k := range size {
			u := &m.members[start+k]
			ends[k] = -1
			if !m.opts.CallCenterID.IsZero() && u.CallCenterID != m.opts.CallCenterID || !u.IsActive || !m.key(u) {
				continue
			}
			from := len(keys)
			keys = append(keys, m.buf...)
			ends[k] = int32(len(keys))
			hs[k] = x.hash(keys[from:], &m.fold)
		}
		for k := range size {
			sink += x.slots[int(hs[k])&x.mask].a
		}
		for k := range size {
			found[k] = -1
			if ends[k] < 0 {
				continue
			}
			for p := int(hs[k]) & x.mask; x.slots[p].a != 0; p = (p + 1) & x.mask {
				if x.slots[p].h == hs[k] {
					found[k] = int32(p)
					sink += int32(x.arena[x.slots[p].off]) + m.owner[x.slots[p].agent()]
					break
				}
			}
		}
		from := 0
		for k := range size {
			i := start + k
			e := ends[k]
			if e < 0 {
				m.misses = append(m.misses, int32(i))
				continue
			}
			key := keys[from:e]
			from = int(e)
			var s *islot
			if f := found[k]; f >= 0 {
				s = &x.slots[f]
				if fold, _ := x.same(s.off, key); !fold {
					s = m.find(hs[k], key) // another key with the same hash
				}
			}
			if s == nil || s.a < 0 {
				m.misses = append(m.misses, int32(i))
				continue
			}
			j := s.a - 1
			_, exact := x.same(s.off, key)
			p := Pair{Member: i, Agent: int(j), CaseDiffers: !exact}
			if m.owner[j] >= 0 {
				m.conflicts = append(m.conflicts, p)
				continue
			}
			m.owner[j] = int32(i)
			m.res.Pairs = append(m.res.Pairs, p)
		}
	}
	m.sink += sink
}

// trim removes white space around s, cheaply when there is none.
func trim(s string) string {
	if s == "" || s[0] > ' ' && s[len(s)-1] > ' ' {
		return s
	}
	return strings.TrimSpace(s)
}
