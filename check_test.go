package routemap_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

const (
	user     = "005Hs00000ABcDeIAL"
	user15   = "005Hs00000ABcDe"
	user2    = "005Hs00000ABcDfIAL"
	center   = "04vHs000000XyZaIAK"
	center15 = "04vHs000000XyZa"
	queue    = "00GHs00000QuEuEMAV"
	instance = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	agent    = instance + "/agent/3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
	qc       = "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f"
	other    = "arn:aws:connect:us-east-1:111122223333:instance/11111111-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
)

// good is a draft that follows every rule and convention.
func good() routemap.Draft {
	return routemap.Draft{
		ExternalID:        agent,
		ReferenceRecordID: user,
		CallCenterID:      center,
		DeveloperName:     "User_" + user + "_" + center,
		MasterLabel:       user,
		QuickConnect:      qc,
	}
}

func codes(ps []routemap.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field+":"+p.Code+":"+string(p.Severity))
	}
	return out
}

func TestCheck(t *testing.T) {
	instanceARN, _ := routemap.ParseConnectARN(instance)
	ac := routemap.Rules{Provider: routemap.ProviderAmazonConnect}
	partner := routemap.Rules{Provider: routemap.ProviderPartner}
	tests := []struct {
		name  string
		edit  func(d *routemap.Draft)
		rules routemap.Rules
		want  []string
		fixed func(d *routemap.Draft) // expected mechanical fixes, applied to the edited draft
	}{
		{name: "OK", rules: ac},
		{name: "OKAuto"},
		{name: "OKPartnerFromAmazonConnectUsername", rules: routemap.Rules{Provider: routemap.ProviderPartnerFromAmazonConnect},
			edit: func(d *routemap.Draft) { d.ExternalID = "jdoe@005Hs00000ABcDe@00DHs0000001aBc" }},
		{name: "OKQuickConnectARN", rules: ac, edit: func(d *routemap.Draft) { d.QuickConnect = instance + "/transfer-destination/" + qc }},
		{name: "OKMetadataSampleForm15CharCenter", rules: ac, edit: func(d *routemap.Draft) { d.DeveloperName = "User_" + user + "_" + center15 }},
		{name: "OKQueueWithRoutingProfile", rules: ac, edit: func(d *routemap.Draft) {
			d.ReferenceRecordID, d.ExternalID, d.MasterLabel, d.QuickConnect = queue, instance+"/routing-profile/abc", "Support Queue", ""
			d.DeveloperName = "Support_Queue_" + center
		}},
		{name: "OKLanguage", rules: ac, edit: func(d *routemap.Draft) { d.Language = "ja" }},

		{name: "ErrRequired", rules: ac,
			edit: func(d *routemap.Draft) { *d = routemap.Draft{} },
			want: []string{"ReferenceRecordId:required:error", "CallCenterId:required:error", "DeveloperName:required:error", "MasterLabel:required:error", "ExternalId:required:error"}},
		{name: "ErrRequiredButDerivable", rules: ac,
			edit:  func(d *routemap.Draft) { d.DeveloperName, d.MasterLabel = "", " " },
			want:  []string{"DeveloperName:required:error", "MasterLabel:required:error"},
			fixed: func(d *routemap.Draft) { d.DeveloperName, d.MasterLabel = "User_"+user+"_"+center, user }},
		{name: "Warn15CharIDs", rules: ac,
			edit:  func(d *routemap.Draft) { d.ReferenceRecordID, d.CallCenterID = user15, center15 },
			want:  []string{"ReferenceRecordId:id_15:warning", "CallCenterId:id_15:warning"},
			fixed: func(d *routemap.Draft) { d.ReferenceRecordID, d.CallCenterID = user, center }},
		{name: "ErrUpperCasedID", rules: ac,
			edit:  func(d *routemap.Draft) { d.ReferenceRecordID = strings.ToUpper(user) },
			want:  []string{"ReferenceRecordId:id_case:error"},
			fixed: func(d *routemap.Draft) { d.ReferenceRecordID = user }},
		{name: "ErrChecksum", rules: ac,
			edit: func(d *routemap.Draft) { d.ReferenceRecordID = "005Hs00000ABcDeIAA" },
			want: []string{"ReferenceRecordId:id_checksum:error"}},
		{name: "ErrMalformedID", rules: ac,
			edit: func(d *routemap.Draft) { d.CallCenterID = "04v-bad" },
			want: []string{"CallCenterId:id_malformed:error"}},
		{name: "ErrUsernameInReferenceRecordId", rules: ac,
			edit: func(d *routemap.Draft) { d.ReferenceRecordID = "jdoe@example.com" },
			want: []string{"ReferenceRecordId:id_malformed:error"}},
		{name: "ErrContactIDAsUser", rules: ac,
			edit: func(d *routemap.Draft) { d.ReferenceRecordID = "003Hs00000ABcDe" },
			want: []string{"ReferenceRecordId:id_wrong_object:error"}},
		{name: "ErrSwappedIDs", rules: ac,
			edit: func(d *routemap.Draft) { d.ReferenceRecordID, d.CallCenterID = center, user },
			want: []string{"ReferenceRecordId:id_wrong_object:error", "CallCenterId:id_wrong_object:error"}},
		{name: "ErrCallCenterMismatch", rules: routemap.Rules{Provider: routemap.ProviderAmazonConnect, CallCenterID: sfid.MustParse("04vHs000000XyZb")},
			want: []string{"CallCenterId:call_center_mismatch:error"}},
		{name: "ErrEmptyCallCenterFilledFromRules", rules: routemap.Rules{CallCenterID: sfid.MustParse(center)},
			edit:  func(d *routemap.Draft) { d.CallCenterID = "" },
			want:  []string{"CallCenterId:required:error"},
			fixed: func(d *routemap.Draft) { d.CallCenterID = center }},
		{name: "WarnWhitespaceTrimmed", rules: ac,
			edit:  func(d *routemap.Draft) { d.ReferenceRecordID = " " + user + "\t"; d.ExternalID = agent + " " },
			want:  []string{"ReferenceRecordId:whitespace:warning", "ExternalId:whitespace:warning"},
			fixed: func(d *routemap.Draft) { d.ReferenceRecordID, d.ExternalID = user, agent }},
		{name: "ErrControlCharacter", rules: ac,
			edit: func(d *routemap.Draft) { d.ExternalID = "jd\x00oe\x7f" },
			want: []string{"ExternalId:control_character:error"}},
		{name: "ErrTooLong", rules: partner,
			edit: func(d *routemap.Draft) { d.ExternalID = strings.Repeat("é", 256); d.QuickConnect = "" },
			want: []string{"ExternalId:too_long:error"}},
		{name: "ErrDeveloperNameStartsWithDigit", rules: ac,
			edit: func(d *routemap.Draft) { d.DeveloperName = user + "_" + center },
			want: []string{"DeveloperName:developer_name_syntax:error"}},
		{name: "ErrDeveloperNameDoubleUnderscore", rules: ac,
			edit: func(d *routemap.Draft) { d.DeveloperName = "User__" + user },
			want: []string{"DeveloperName:developer_name_syntax:error"}},
		{name: "ErrDeveloperNameTrailingUnderscore", rules: ac,
			edit: func(d *routemap.Draft) { d.DeveloperName = "User_" + user + "_" },
			want: []string{"DeveloperName:developer_name_syntax:error"}},
		{name: "ErrDeveloperNameBadCharacter", rules: ac,
			edit: func(d *routemap.Draft) { d.DeveloperName = "User-" + user },
			want: []string{"DeveloperName:developer_name_syntax:error"}},
		{name: "ErrDeveloperNameTooLong", rules: ac,
			edit: func(d *routemap.Draft) { d.DeveloperName = "U" + strings.Repeat("x", 80) },
			want: []string{"DeveloperName:too_long:error"}},
		{name: "WarnDeveloperNameConvention", rules: ac,
			edit:  func(d *routemap.Draft) { d.DeveloperName = "Jane_Doe" },
			want:  []string{"DeveloperName:developer_name_convention:warning"},
			fixed: func(d *routemap.Draft) { d.DeveloperName = "User_" + user + "_" + center }},
		{name: "WarnDeveloperNameOf15CharUser", rules: ac,
			edit:  func(d *routemap.Draft) { d.DeveloperName = "User_" + user15 + "_" + center },
			want:  []string{"DeveloperName:developer_name_convention:warning"},
			fixed: func(d *routemap.Draft) { d.DeveloperName = "User_" + user + "_" + center }},
		{name: "WarnMasterLabel15", rules: ac,
			edit:  func(d *routemap.Draft) { d.MasterLabel = user15 },
			want:  []string{"MasterLabel:master_label_convention:warning"},
			fixed: func(d *routemap.Draft) { d.MasterLabel = user }},
		{name: "ErrUsernameForAmazonConnect", rules: ac,
			edit: func(d *routemap.Draft) { d.ExternalID = "jdoe@005Hs00000ABcDe@00DHs0000001aBc" },
			want: []string{"ExternalId:external_id_not_arn:error"}},
		{name: "ErrBareAgentIDForAmazonConnect", rules: ac,
			edit: func(d *routemap.Draft) { d.ExternalID = "3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d" },
			want: []string{"ExternalId:external_id_bare_agent_id:error"}},
		{name: "ErrBareAgentIDFixedWhenInstanceKnown", rules: routemap.Rules{Provider: routemap.ProviderAmazonConnect, Instance: instanceARN},
			edit:  func(d *routemap.Draft) { d.ExternalID = "3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d" },
			want:  []string{"ExternalId:external_id_bare_agent_id:error"},
			fixed: func(d *routemap.Draft) { d.ExternalID = agent }},
		{name: "WarnBareAgentIDAuto",
			edit: func(d *routemap.Draft) { d.ExternalID = "3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d" },
			want: []string{"ExternalId:external_id_bare_agent_id:warning"}},
		{name: "ErrQueueARNForUser", rules: ac,
			edit: func(d *routemap.Draft) { d.ExternalID = instance + "/queue/abc" },
			want: []string{"ExternalId:external_id_arn_kind:error"}},
		{name: "ErrInstanceARNForUser", rules: ac,
			edit: func(d *routemap.Draft) { d.ExternalID = instance },
			want: []string{"ExternalId:external_id_arn_kind:error"}},
		{name: "ErrMalformedARN", rules: ac,
			edit: func(d *routemap.Draft) { d.ExternalID = "arn:aws:connect:us-west-2:1111:instance/x/agent/y" },
			want: []string{"ExternalId:arn_malformed:error"}},
		{name: "ErrAgentInOtherInstance", rules: routemap.Rules{Provider: routemap.ProviderAmazonConnect, Instance: instanceARN},
			edit: func(d *routemap.Draft) { d.ExternalID = other + "/agent/3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d" },
			want: []string{"ExternalId:external_id_other_instance:error"}},
		{name: "ErrARNForPartner", rules: partner,
			edit: func(d *routemap.Draft) { d.QuickConnect = "" },
			want: []string{"ExternalId:external_id_is_arn:error"}},
		{name: "ErrQuickConnectForPartner", rules: partner,
			edit: func(d *routemap.Draft) { d.ExternalID = "jdoe" },
			want: []string{"QuickConnect:quick_connect_not_supported:error"}},
		{name: "ErrQuickConnectMalformed", rules: ac,
			edit: func(d *routemap.Draft) { d.QuickConnect = "1667231e-41b6-b14a-d65e00cadec1" },
			want: []string{"QuickConnect:quick_connect_malformed:error"}},
		{name: "ErrQuickConnectIsAgentARN", rules: ac,
			edit: func(d *routemap.Draft) { d.QuickConnect = agent },
			want: []string{"QuickConnect:quick_connect_malformed:error"}},
		{name: "ErrQuickConnectOtherInstance", rules: ac,
			edit: func(d *routemap.Draft) { d.QuickConnect = other + "/transfer-destination/" + qc },
			want: []string{"QuickConnect:quick_connect_other_instance:error"}},
		{name: "ErrLanguageCaseFixed", rules: ac,
			edit:  func(d *routemap.Draft) { d.Language = "en-us" },
			want:  []string{"Language:language_invalid:error"},
			fixed: func(d *routemap.Draft) { d.Language = "en_US" }},
		{name: "WarnLanguageUnknown", rules: ac,
			edit: func(d *routemap.Draft) { d.Language = "zz_ZZ" },
			want: []string{"Language:language_unknown:warning"}},
		{name: "ErrLanguageJunk", rules: ac,
			edit: func(d *routemap.Draft) { d.Language = "English" },
			want: []string{"Language:language_invalid:error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good()
			if tt.edit != nil {
				tt.edit(&d)
			}
			got := d.Check(tt.rules)
			if diff := cmp.Diff(tt.want, codes(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%+v", diff, got.Problems)
			}
			for _, p := range got.Problems {
				if p.Message == "" {
					t.Errorf("%s: empty message", p.Code)
				}
				if p.Mechanical && p.Fix == "" {
					t.Errorf("%s: mechanical fix with no text", p.Code)
				}
			}
			want := d
			if tt.fixed != nil {
				tt.fixed(&want)
			}
			if diff := cmp.Diff(want, got.Fixed); diff != "" {
				t.Errorf("fixed (-want +got):\n%s", diff)
			}
			if !routemap.HasErrors(got.Problems) || tt.fixed != nil {
				// Whatever Check fixed must itself check clean of errors.
				again := got.Fixed.Check(tt.rules)
				if routemap.HasErrors(again.Problems) && !routemap.HasErrors(got.Problems) {
					t.Errorf("fixed draft has errors: %v", codes(again.Problems))
				}
			}
		})
	}
}

func TestCheck_Map(t *testing.T) {
	d := good()
	d.ReferenceRecordID = user15
	got := d.Check(routemap.Rules{})
	want := routemap.RoutingMap{
		ExternalID:        agent,
		ReferenceRecordID: sfid.MustParse(user),
		CallCenterID:      sfid.MustParse(center),
		DeveloperName:     "User_" + user + "_" + center,
		MasterLabel:       user,
		QuickConnect:      qc,
	}
	if diff := cmp.Diff(want, got.Map); diff != "" {
		t.Errorf("map (-want +got):\n%s", diff)
	}
	if !got.OK() {
		t.Errorf("problems: %v", codes(got.Problems))
	}

	// A convention warning leaves the map as written; only Fixed follows
	// the convention.
	d = good()
	d.DeveloperName, d.MasterLabel = "Jane_Doe", "Jane Doe"
	got = d.Check(routemap.Rules{})
	if got.Map.DeveloperName != "Jane_Doe" || got.Map.MasterLabel != "Jane Doe" {
		t.Errorf("map = %+v, want the names as written", got.Map)
	}
	if got.Fixed.DeveloperName != "User_"+user+"_"+center || got.Fixed.MasterLabel != user {
		t.Errorf("fixed = %+v, want the conventional names", got.Fixed)
	}
}

func TestCrossCheck(t *testing.T) {
	centerB := "04vHs000000XyZbIAK"
	row := func(u, c, ext, name string) routemap.RoutingMap {
		d := routemap.Draft{ExternalID: ext, ReferenceRecordID: u, CallCenterID: c, DeveloperName: name, MasterLabel: u}
		if name == "" {
			d.DeveloperName = "User_" + sfid.MustParse(u).String() + "_" + sfid.MustParse(c).String()
		}
		return d.Check(routemap.Rules{}).Map
	}
	agent2 := instance + "/agent/aaaaaaaa-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
	tests := []struct {
		name string
		rows []routemap.RoutingMap
		want []string // line:field:code
	}{
		{"OK", []routemap.RoutingMap{row(user, center, agent, ""), row(user2, center, agent2, "")}, nil},
		{"ErrDuplicateDeveloperNameAnyCase", []routemap.RoutingMap{row(user, center, agent, "Same_Name"), row(user2, center, agent2, "same_name")},
			[]string{"2:DeveloperName:duplicate_developer_name"}},
		{"ErrSameUserTwiceInCenter", []routemap.RoutingMap{row(user, center, agent, "A"), row(user, center, agent2, "B")},
			[]string{"2:ReferenceRecordId:duplicate_user"}},
		{"ErrRepeatedRowIsOneDuplicateUser", []routemap.RoutingMap{row(user, center, agent, "A"), row(user, center, agent, "B")},
			[]string{"2:ReferenceRecordId:duplicate_user"}},
		{"ErrUserInTwoCenters", []routemap.RoutingMap{row(user, center, agent, ""), row(user, centerB, agent, "")},
			[]string{"2:ReferenceRecordId:user_in_two_call_centers"}},
		{"ErrTelephonyUserForTwoUsers", []routemap.RoutingMap{row(user, center, agent, ""), row(user2, center, agent, "")},
			[]string{"2:ExternalId:duplicate_external_id"}},
		{"OKSameTelephonyUserInTwoCenters", []routemap.RoutingMap{row(user, center, "jdoe", ""), row(user2, centerB, "jdoe", "")}, nil},
		{"ErrMixedInstances", []routemap.RoutingMap{row(user, center, agent, ""), row(user2, center, other+"/agent/aaaaaaaa-4e5f-4a6b-9c8d-7e6f5a4b3c2d", "")},
			[]string{"2:ExternalId:mixed_instances"}},
		{"ErrMixedKinds", []routemap.RoutingMap{row(user, center, agent, ""), row(user2, center, "jdoe", "")},
			[]string{"2:ExternalId:mixed_external_id_kinds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := routemap.NewCrossCheck(routemap.ProviderAuto)
			var got []string
			for i := range tt.rows {
				for _, p := range x.Add(i+1, &tt.rows[i]) {
					got = append(got, strings.Join([]string{string(rune('0' + i + 1)), p.Field, p.Code}, ":"))
					if !strings.Contains(p.Message, "line 1") {
						t.Errorf("message %q does not name the first line", p.Message)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConnectARN(t *testing.T) {
	a, err := routemap.ParseConnectARN(agent)
	if err != nil {
		t.Fatal(err)
	}
	want := routemap.ConnectARN{Partition: "aws", Region: "us-west-2", Account: "111122223333",
		InstanceID: "9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f", Resource: "agent", ResourceID: "3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Fatal(diff)
	}
	if a.String() != agent || a.Instance().String() != instance {
		t.Fatalf("String() = %s, Instance() = %s", a, a.Instance())
	}
	for _, bad := range []struct{ in, says string }{
		{"arn:aws:connect:us-west-2:111122223333", "parts"},
		{"arn:aws:s3:us-west-2:111122223333:instance/x", "service"},
		{"arn:gcp:connect:us-west-2:111122223333:instance/x", "partition"},
		{"arn:aws:connect:uswest2:111122223333:instance/x", "region"},
		{"arn:aws:connect:us-west-2:11112222333:instance/x", "12 digits"},
		{"arn:aws:connect:us-west-2:111122223333:agent/x", "instance"},
		{"arn:aws:connect:us-west-2:111122223333:instance/x/agent", "segments"},
		{"arn:aws:connect:us-west-2:111122223333:instance/x/Agent/y", "resource type"},
		{"arn:aws:connect:us-west-2:111122223333:instance/x/agent/y z", "agent id"},
		{"ARN:aws:connect", "starts with"},
	} {
		if _, err := routemap.ParseConnectARN(bad.in); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("ParseConnectARN(%q) = %v, want error saying %q", bad.in, err, bad.says)
		}
	}
}

// FuzzParseConnectARN checks that a parsed ARN formats back to its input.
func FuzzParseConnectARN(f *testing.F) {
	for _, s := range []string{agent, instance, instance + "/transfer-destination/" + qc, "arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/a/queue/b", "arn:", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := routemap.ParseConnectARN(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("ParseConnectARN(%q).String() = %q", s, a.String())
		}
	})
}

// FuzzCheck runs Check on arbitrary drafts: it must not panic, every
// problem must have a code and message, and a record without errors must
// yield a complete map.
func FuzzCheck(f *testing.F) {
	d := good()
	f.Add(d.ExternalID, d.ReferenceRecordID, d.CallCenterID, d.DeveloperName, d.QuickConnect, d.MasterLabel, "")
	f.Add("jdoe", user15, center15, "", "", "", "en-us")
	f.Fuzz(func(t *testing.T, ext, ref, cc, name, qc, label, lang string) {
		d := routemap.Draft{ExternalID: ext, ReferenceRecordID: ref, CallCenterID: cc, DeveloperName: name, QuickConnect: qc, MasterLabel: label, Language: lang}
		for _, p := range []routemap.Provider{routemap.ProviderAuto, routemap.ProviderAmazonConnect, routemap.ProviderPartner} {
			got := d.Check(routemap.Rules{Provider: p})
			for _, pr := range got.Problems {
				if pr.Code == "" || pr.Message == "" || pr.Field == "" {
					t.Fatalf("incomplete problem %+v", pr)
				}
			}
			if got.OK() {
				m := got.Map
				if m.ReferenceRecordID.IsZero() || m.CallCenterID.IsZero() || m.DeveloperName == "" || m.MasterLabel == "" || m.ExternalID == "" {
					t.Fatalf("no errors but incomplete map %+v", m)
				}
			}
		}
	})
}
