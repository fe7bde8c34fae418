// Command storebench measures the storage ceiling of a Bulk import: the
// rate at which routing maps go straight into the SQLite store in one
// process, in chunks of 10,000 (as the Bulk processor commits them), with
// no HTTP, CSV or validation in the way.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"routemap"
	"routemap/sqlite"
)

func main() {
	n := flag.Int("n", 100000, "routing maps to insert")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the inserts")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "storebench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := sqlite.Open(filepath.Join(dir, "routemap.db"), sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	org := &routemap.Org{Name: "Bench"}
	if err := store.CreateOrg(ctx, org); err != nil {
		log.Fatal(err)
	}
	arn := "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	cc := &routemap.CallCenter{OrgID: org.ID, Name: "Bench", InternalName: "Bench", Provider: routemap.ProviderAmazonConnect, ConnectInstanceARN: arn}
	if err := store.CreateCallCenter(ctx, cc); err != nil {
		log.Fatal(err)
	}
	admin := &routemap.User{OrgID: org.ID, Username: "admin@bench.test", Alias: "admin", Email: "a@b.test", LastName: "A", IsActive: true}
	if err := store.CreateUser(ctx, admin); err != nil {
		log.Fatal(err)
	}
	users := make([]*routemap.User, *n)
	for i := range users {
		users[i] = &routemap.User{OrgID: org.ID, Username: fmt.Sprintf("r%07d@bench.test", i), Alias: "r", Email: "r@b.test", LastName: "R", IsActive: true, CallCenterID: cc.ID}
	}
	for i := 0; i < len(users); i += 5000 {
		if err := store.CreateUsers(ctx, users[i:min(i+5000, len(users))]); err != nil {
			log.Fatal(err)
		}
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	for i := 0; i < len(users); i += routemap.JobChunkSize {
		var ops []routemap.RoutingMapOp
		for j := i; j < min(i+routemap.JobChunkSize, len(users)); j++ {
			u := users[j]
			ops = append(ops, routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: routemap.RoutingMap{
				ExternalID: fmt.Sprintf("%s/agent/%08x-1111-4111-8111-%012x", arn, j, j), ReferenceRecordID: u.ID, CallCenterID: cc.ID,
				DeveloperName: routemap.DeveloperNameFor(u.ID, cc.ID), MasterLabel: string(u.ID)}})
		}
		res, err := store.ApplyRoutingMaps(ctx, org.ID, admin.ID, ops, false)
		if err != nil {
			log.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				log.Fatal(r.Err)
			}
		}
	}
	d := time.Since(start)
	fmt.Printf("store insert: %d maps in %.2f s = %.0f rows/s (chunks of %d, one transaction each)\n", *n, d.Seconds(), float64(*n)/d.Seconds(), routemap.JobChunkSize)
}
