package sqlite_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"routemap"
	"routemap/sfid"
)

// TestReadCacheNeverServesStaleMaps updates a map again and again while
// readers fill the read cache: after each acknowledged update, a read
// must see it, and a deleted map must not be served.
func TestReadCacheNeverServesStaleMaps(t *testing.T) {
	s := MustOpenStore(t)
	ctx := t.Context()
	org := &routemap.Org{Name: "acme"}
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	cc := &routemap.CallCenter{OrgID: org.ID, Name: "cc", InternalName: "cc", Provider: routemap.ProviderPartner}
	s.CreateCallCenter(ctx, cc)
	u := &routemap.User{OrgID: org.ID, Username: "a@x", Alias: "a", Email: "a@x", LastName: "A", IsActive: true, CallCenterID: cc.ID}
	s.CreateUser(ctx, u)
	res, err := s.ApplyRoutingMaps(ctx, org.ID, u.ID, []routemap.RoutingMapOp{{Kind: routemap.OpCreate, Map: routemap.RoutingMap{
		ExternalID: "a", ReferenceRecordID: u.ID, CallCenterID: cc.ID, DeveloperName: "A", MasterLabel: "v0"}}}, false)
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	id := res[0].ID
	var stop atomic.Bool
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				s.FindRoutingMap(ctx, org.ID, id, false)
			}
		}()
	}
	for i := 1; i <= 300; i++ {
		label := fmt.Sprintf("v%d", i)
		res, err := s.ApplyRoutingMaps(ctx, org.ID, u.ID, []routemap.RoutingMapOp{{Kind: routemap.OpUpdate,
			Map: routemap.RoutingMap{ID: id, MasterLabel: label}, Fields: []string{routemap.FieldMasterLabel}}}, false)
		if err != nil || res[0].Err != nil {
			t.Fatal(err, res)
		}
		m, err := s.FindRoutingMap(ctx, org.ID, id, false)
		if err != nil || m.MasterLabel != label {
			stop.Store(true)
			t.Fatalf("after update %d: %v %v", i, m, err)
		}
		// Another org never sees it, cached or not.
		if _, err := s.FindRoutingMap(ctx, sfid.ID("00DRm0000000zzzAAA"), id, false); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("another org read a cached map: %v", err)
		}
	}
	res, err = s.ApplyRoutingMaps(ctx, org.ID, u.ID, []routemap.RoutingMapOp{{Kind: routemap.OpDelete, Map: routemap.RoutingMap{ID: id}}}, false)
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	if _, err := s.FindRoutingMap(ctx, org.ID, id, false); routemap.ErrorCode(err) != routemap.ENOTFOUND {
		t.Fatalf("deleted map served: %v", err)
	}
	stop.Store(true)
	wg.Wait()
}
