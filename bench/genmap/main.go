// Command genmap writes a valid Amazon Connect routing-map CSV of any size,
// for benchmarks: every row maps a distinct user of one contact center to a
// distinct agent ARN with its quick connect, following every convention.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"routemap"
	"routemap/sfid"
)

func main() {
	n := flag.Int("n", 1000000, "number of rows")
	out := flag.String("o", "-", "output file, - for standard output")
	creds := flag.String("creds", "", "map the reps of a `routemap serve --demo` org, from its demo-credentials.json")
	offset := flag.Int("offset", 0, "with -creds, start at this rep")
	flag.Parse()
	var err error
	if *creds != "" {
		err = runDemo(*creds, *n, *offset, *out)
	} else {
		err = run(*n, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genmap:", err)
		os.Exit(1)
	}
}

func run(n int, path string) error {
	f := os.Stdout
	if path != "-" {
		var err error
		if f, err = os.Create(path); err != nil {
			return err
		}
		defer f.Close()
	}
	w := bufio.NewWriterSize(f, 1<<20)
	center, err := sfid.New(sfid.PrefixCallCenter, "Hs", 88231)
	if err != nil {
		return err
	}
	const instance = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	fmt.Fprintln(w, "ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect")
	for i := 0; i < n; i++ {
		user, err := sfid.New(sfid.PrefixUser, "Hs", uint64(1_000_000+i))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s/agent/%s,%s,%s,%s,%s,%s\n", instance, uuid(uint64(i), 1), user, center,
			routemap.DeveloperNameFor(user, center), routemap.MasterLabelFor(user), uuid(uint64(i), 2))
	}
	return w.Flush()
}

// runDemo writes maps for the demo org's reps, which import into it.
func runDemo(credsPath string, n, offset int, path string) error {
	data, err := os.ReadFile(credsPath)
	if err != nil {
		return err
	}
	var c struct {
		CallCenterID string   `json:"call_center_id"`
		Instance     string   `json:"connect_instance_arn"`
		Reps         []string `json:"rep_user_ids"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	if offset+n > len(c.Reps) {
		return fmt.Errorf("the demo org has %d reps; start it with --demo-users %d", len(c.Reps), offset+n)
	}
	f := os.Stdout
	if path != "-" {
		if f, err = os.Create(path); err != nil {
			return err
		}
		defer f.Close()
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect")
	for i := offset; i < offset+n; i++ {
		u := c.Reps[i]
		fmt.Fprintf(w, "%s/agent/%s,%s,%s,User_%s_%s,%s,%s\n", c.Instance, uuid(uint64(i), 1), u, c.CallCenterID, u, c.CallCenterID, u, uuid(uint64(i), 2))
	}
	return w.Flush()
}

// uuid returns a deterministic version-4-shaped UUID for (i, kind).
func uuid(i, kind uint64) string {
	x := i*0x9E3779B97F4A7C15 + kind*0xBF58476D1CE4E5B9
	y := x ^ (x >> 31) ^ kind<<60
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(x>>32), uint16(x>>16), uint16(x)&0xfff, uint16(y>>48)&0xfff, y&0xffffffffffff)
}
