package partner_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"routemap"
	"routemap/partner"
)

// FuzzReadFile feeds arbitrary bytes to the agents-file reader: it never
// panics, refuses with an EINVALID error, or returns agents that keep the
// file's promises (a username and a unique id each; for Amazon Connect, an
// agent ARN of the one instance Info names).
func FuzzReadFile(f *testing.F) {
	for _, seed := range []string{
		"username,email\njdoe,jdoe@example.com\n",
		"Id;Username;First Name\nu1;ada;Ada\n",
		"Arn,Id,Username,QuickConnectId\narn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555/agent/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee,aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee,ada,cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee\n",
		`{"UserSummaryList":[{"Arn":"arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555/agent/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","Id":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","Username":"ada"}]}`,
		`{"agents":[{"id":"7","username":"ada","email":"ada@example.com"}],"next_page_token":null}`,
		`[{"username":"ada"},{"username":"bob"}]`,
		"\xef\xbb\xbfusername\n\"unbalanced\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := partner.ReadFile("agents.csv", bytes.NewReader(data))
		if err != nil {
			var e *routemap.Error
			if !errors.As(err, &e) || e.Code != routemap.EINVALID {
				t.Fatalf("error %v (%T), want an EINVALID *routemap.Error", err, err)
			}
			return
		}
		agents, err := file.Agents(context.Background())
		if err != nil || len(agents) == 0 {
			t.Fatalf("Agents = %d, %v", len(agents), err)
		}
		info := file.Info()
		ids := map[string]bool{}
		for _, a := range agents {
			if a.Username == "" || a.ID == "" || ids[a.ID] {
				t.Fatalf("agent %+v: empty or repeated id or username", a)
			}
			ids[a.ID] = true
			if info.Provider != routemap.ProviderAmazonConnect {
				if a.ARN != "" || a.QuickConnectID != "" {
					t.Fatalf("partner agent %+v has Amazon Connect fields", a)
				}
				continue
			}
			arn, err := routemap.ParseConnectARN(a.ARN)
			if err != nil || arn.Resource != routemap.ResourceAgent || arn.Instance().String() != info.InstanceARN {
				t.Fatalf("agent %+v: ARN %v not an agent of %s", a, err, info.InstanceARN)
			}
		}
	})
}
