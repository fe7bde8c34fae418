package localconnect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
)

// stateVersion is the version of the state file format.
const stateVersion = 1

// state is everything the server knows. The Server's mutex guards it.
type state struct {
	instances map[string]*instanceState // by instance id
	keys      map[string]AccessKey      // by access key id
}

// instanceState is one instance with its users and quick connects, and
// the indexes the operations need.
type instanceState struct {
	Instance
	users     map[string]*User         // by id
	usernames map[string]string        // lower-case username → id
	qcs       map[string]*QuickConnect // by id
	qcNames   map[string]string        // lower-case name → id
	// userOrder and qcOrder are the ids in listing order (sorted); nil
	// means stale, rebuilt on the next listing.
	userOrder []string
	qcOrder   []string
}

func newState() *state {
	return &state{instances: map[string]*instanceState{}, keys: map[string]AccessKey{}}
}

func newInstanceState(in Instance) *instanceState {
	return &instanceState{
		Instance:  in,
		users:     map[string]*User{},
		usernames: map[string]string{},
		qcs:       map[string]*QuickConnect{},
		qcNames:   map[string]string{},
	}
}

// createAll inserts items into an instance (its id or ARN), all or none,
// and writes the state file once: the body of CreateUsers and
// CreateQuickConnects.
func createAll[T any](s *Server, instance string, items []T,
	insert func(*instanceState, T, time.Time) (*T, *Error), remove func(*instanceState, *T)) ([]T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, e := s.lookupInstance(instance)
	if e != nil {
		return nil, e
	}
	now := s.now()
	out := make([]T, 0, len(items))
	added := make([]*T, 0, len(items))
	rollback := func() {
		for _, p := range added {
			remove(is, p)
		}
	}
	for _, item := range items {
		p, e := insert(is, item, now)
		if e != nil {
			rollback()
			return nil, e
		}
		added = append(added, p)
		out = append(out, *p)
	}
	if err := s.save(); err != nil {
		rollback()
		return nil, err
	}
	return out, nil
}

// createOne creates one item with its batch call.
func createOne[T any](createAll func(string, []T) ([]T, error), instance string, item T) (T, error) {
	out, err := createAll(instance, []T{item})
	if err != nil {
		var zero T
		return zero, err
	}
	return out[0], nil
}

func (is *instanceState) addUser(u *User) {
	is.users[u.ID] = u
	is.usernames[strings.ToLower(u.Username)] = u.ID
	is.userOrder = nil
}

func (is *instanceState) removeUser(u *User) {
	delete(is.users, u.ID)
	delete(is.usernames, strings.ToLower(u.Username))
	is.userOrder = nil
}

func (is *instanceState) addQuickConnect(q *QuickConnect) {
	is.qcs[q.ID] = q
	is.qcNames[strings.ToLower(q.Name)] = q.ID
	is.qcOrder = nil
}

func (is *instanceState) removeQuickConnect(q *QuickConnect) {
	delete(is.qcs, q.ID)
	delete(is.qcNames, strings.ToLower(q.Name))
	is.qcOrder = nil
}

// sortedUsers returns user ids in listing order.
func (is *instanceState) sortedUsers() []string {
	if is.userOrder == nil {
		is.userOrder = sortedKeys(is.users)
	}
	return is.userOrder
}

// sortedQuickConnects returns quick connect ids in listing order.
func (is *instanceState) sortedQuickConnects() []string {
	if is.qcOrder == nil {
		is.qcOrder = sortedKeys(is.qcs)
	}
	return is.qcOrder
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stateFile is the JSON form of the state on disk.
type stateFile struct {
	Version    int            `json:"version"`
	Instances  []instanceFile `json:"instances"`
	AccessKeys []AccessKey    `json:"access_keys"`
}

type instanceFile struct {
	Instance
	Users         []*User         `json:"users"`
	QuickConnects []*QuickConnect `json:"quick_connects"`
}

// encode renders the state deterministically (sorted by id).
func (st *state) encode() ([]byte, error) {
	f := stateFile{Version: stateVersion, Instances: []instanceFile{}, AccessKeys: []AccessKey{}}
	for _, id := range sortedKeys(st.instances) {
		is := st.instances[id]
		inf := instanceFile{Instance: is.Instance, Users: []*User{}, QuickConnects: []*QuickConnect{}}
		for _, uid := range is.sortedUsers() {
			inf.Users = append(inf.Users, is.users[uid])
		}
		for _, qid := range is.sortedQuickConnects() {
			inf.QuickConnects = append(inf.QuickConnects, is.qcs[qid])
		}
		f.Instances = append(f.Instances, inf)
	}
	for _, id := range sortedKeys(st.keys) {
		f.AccessKeys = append(f.AccessKeys, st.keys[id])
	}
	return json.MarshalIndent(f, "", " ")
}

// decodeState parses a state file.
func decodeState(data []byte) (*state, error) {
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse state: %w", err)
	}
	if f.Version != stateVersion {
		return nil, fmt.Errorf("state file version %d; this server reads version %d", f.Version, stateVersion)
	}
	st := newState()
	for _, inf := range f.Instances {
		is := newInstanceState(inf.Instance)
		for _, u := range inf.Users {
			is.addUser(u)
		}
		for _, q := range inf.QuickConnects {
			is.addQuickConnect(q)
		}
		st.instances[is.ID] = is
	}
	for _, k := range f.AccessKeys {
		st.keys[k.ID] = k
	}
	return st, nil
}

// loadState reads the state file at path; a missing file is an empty
// state.
func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	} else if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	st, err := decodeState(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}
