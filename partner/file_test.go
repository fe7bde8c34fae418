package partner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/partner"
)

const (
	inst = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	a1   = "3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
	a2   = "4c3b2a1d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
	qc1  = "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFile(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		content  string
		provider routemap.Provider
		qc       bool
		want     []routemap.Agent
	}{
		{"OKPartnerCSV", "agents.csv", "\xef\xbb\xbfid,username,first_name,last_name,email\r\np1,jdoe.partner,Jane,Doe,jane@acme.test\r\np2, bsmith ,Bo,Smith,\r\n\r\n",
			routemap.ProviderPartner, false, []routemap.Agent{
				{ID: "p1", Username: "jdoe.partner", FirstName: "Jane", LastName: "Doe", Email: "jane@acme.test"},
				{ID: "p2", Username: "bsmith", FirstName: "Bo", LastName: "Smith"}}},
		{"OKUsernameOnlySemicolons", "agents.csv", "User Name;Email Address\njdoe;jane@acme.test\n",
			routemap.ProviderPartner, false, []routemap.Agent{{ID: "jdoe", Username: "jdoe", Email: "jane@acme.test"}}},
		{"OKConnectExport", "users.csv", "Arn,Id,Username,QuickConnectId\n" + inst + "/agent/" + a1 + "," + a1 + ",ava@005Hs00000ABcDe@00DHs0000001aBc," + strings.ToUpper(qc1) + "\n" +
			inst + "/agent/" + a2 + ",,ben@005Hs00000ABcDf@00DHs0000001aBc," + inst + "/transfer-destination/" + qc1 + "\n",
			routemap.ProviderAmazonConnect, true, []routemap.Agent{
				{ID: a1, ARN: inst + "/agent/" + a1, Username: "ava@005Hs00000ABcDe@00DHs0000001aBc", QuickConnectID: qc1, QuickConnectARN: inst + "/transfer-destination/" + qc1},
				{ID: a2, ARN: inst + "/agent/" + a2, Username: "ben@005Hs00000ABcDf@00DHs0000001aBc", QuickConnectID: qc1, QuickConnectARN: inst + "/transfer-destination/" + qc1}}},
		{"OKListUsersJSON", "users.json", `{"UserSummaryList": [{"Arn": "` + inst + `/agent/` + a1 + `", "Id": "` + a1 + `", "Username": "ava", "LastModifiedTime": 1700000000.1}], "NextToken": null}`,
			routemap.ProviderAmazonConnect, false, []routemap.Agent{{ID: a1, ARN: inst + "/agent/" + a1, Username: "ava"}}},
		{"OKSearchUsersJSON", "users.json", `{"Users": [{"Arn": "` + inst + `/agent/` + a1 + `", "Id": "` + a1 + `", "Username": "ava", "IdentityInfo": {"FirstName": "Ava", "LastName": "Patel"}}]}`,
			routemap.ProviderAmazonConnect, false, []routemap.Agent{{ID: a1, ARN: inst + "/agent/" + a1, Username: "ava", FirstName: "Ava", LastName: "Patel"}}},
		{"OKPartnerPageJSON", "agents.json", ` {"agents": [{"id": "p1", "username": "jdoe", "first_name": "Jane"}]}`,
			routemap.ProviderPartner, false, []routemap.Agent{{ID: "p1", Username: "jdoe", FirstName: "Jane"}}},
		{"OKJSONArray", "agents.json", `[{"id": "p1", "username": "jdoe", "FirstName": "Jane"}]`,
			routemap.ProviderPartner, false, []routemap.Agent{{ID: "p1", Username: "jdoe", FirstName: "Jane"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.file, tc.content)
			f, err := partner.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			info := f.Info()
			if info.Provider != tc.provider || info.QuickConnects != tc.qc || !strings.HasPrefix(info.Source, path) {
				t.Errorf("info %+v", info)
			}
			if tc.provider == routemap.ProviderAmazonConnect && info.InstanceARN != inst {
				t.Errorf("instance %q", info.InstanceARN)
			}
			got, err := f.Agents(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	other := "arn:aws:connect:us-west-2:111122223333:instance/00000000-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	for _, tc := range []struct{ name, content, want string }{
		{"ErrEmpty", "", "agents.csv is empty"},
		{"ErrNoRows", "username\n", "agents.csv lists no agents"},
		{"ErrNoUsernameColumn", "id,name\n1,x\n", "agents.csv:1: the header (id,name) has no username column"},
		{"ErrDuplicateColumn", "username,login\na,b\n", `columns "username" and "login" both hold the username`},
		{"ErrEmptyUsername", "id,username\n1,a\n2,\n", "agents.csv:3: the agent has no username"},
		{"ErrRagged", "id,username\n1,a,extra\n", "line 2 has a different number of fields than the header"},
		{"ErrDuplicateID", "id,username\n1,a\n1,b\n", "agents.csv:3: agent id 1 is already on line 2"},
		{"ErrMixedARN", "Arn,Username\n" + inst + "/agent/" + a1 + ",a\n,b\n", "agents.csv:3: this agent has no Arn"},
		{"ErrBadARN", "Arn,Username\narn:aws:connect:nowhere,a\n", "agents.csv:2: Arn:"},
		{"ErrNotAgentARN", "Arn,Username\n" + inst + "/queue/" + a1 + ",a\n", "is not an agent ARN"},
		{"ErrTwoInstances", "Arn,Username\n" + inst + "/agent/" + a1 + ",a\n" + other + "/agent/" + a2 + ",b\n", "one file holds one instance's agents"},
		{"ErrIDNotARN", "Arn,Id,Username\n" + inst + "/agent/" + a1 + "," + a2 + ",a\n", "Id " + a2 + " is not the id in Arn"},
		{"ErrBadQuickConnect", "Arn,Username,QuickConnect\n" + inst + "/agent/" + a1 + ",a,nope\n", `quick connect "nope" is neither`},
		{"ErrQuickConnectWithoutARN", "Username,QuickConnectId\na," + qc1 + "\n", "quick connects are for Amazon Connect agents"},
		{"ErrJSONWithoutAgents", `{"Users2": []}`, "is JSON without agents"},
		{"ErrBrokenJSON", `{"agents": [`, "is not readable JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "agents.csv", tc.content)
			_, err := partner.OpenFile(path)
			if routemap.ErrorCode(err) != routemap.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := partner.OpenFile(filepath.Join(t.TempDir(), "missing.csv")); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v", err)
	}
}
