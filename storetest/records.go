package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

func testOrg(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		c := startClock()
		org := &routemap.Org{Name: "Acme", DailyRequestLimit: 5000}
		if err := s.CreateOrg(ctx(t), org); err != nil {
			t.Fatal(err)
		}
		c.stop().check(t, "CreatedDate", org.CreatedDate)
		mustParse(t, org.ID, sfid.PrefixOrganization)
		got, err := s.FindOrg(ctx(t), org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(org, got); diff != "" {
			t.Errorf("FindOrg mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.FindOrg(ctx(t), otherID(sfid.PrefixOrganization, 1))
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("ErrIDSpecified", func(t *testing.T) {
		s := open(t)
		err := s.CreateOrg(ctx(t), &routemap.Org{ID: otherID(sfid.PrefixOrganization, 1), Name: "x"})
		wantCode(t, err, routemap.EINVALID)
	})
}

func testUser(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		c := startClock()
		u := &routemap.User{OrgID: e.org.ID, Username: "new@example.com", Alias: "new", Email: "new@example.com",
			FirstName: "Nia", LastName: "New", IsActive: true, CallCenterID: e.cc.ID,
			Permissions: routemap.AdminPermissions, PasswordHash: "$2a$10$hash"}
		if err := e.s.CreateUser(ctx(t), u); err != nil {
			t.Fatal(err)
		}
		c.stop()
		mustParse(t, u.ID, sfid.PrefixUser)
		c.check(t, "CreatedDate", u.CreatedDate)
		c.check(t, "LastModifiedDate", u.LastModifiedDate)
		got, err := e.s.FindUser(ctx(t), e.org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("FindUser mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("OKNoFirstNameNoCenter", func(t *testing.T) {
		e := newEnv(t, open)
		u := &routemap.User{OrgID: e.org.ID, Username: "solo@example.com", Alias: "solo", Email: "solo@example.com", LastName: "Solo"}
		if err := e.s.CreateUser(ctx(t), u); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindUser(ctx(t), e.org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("FindUser mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("ErrDuplicateUsername", func(t *testing.T) {
		e := newEnv(t, open)
		other := seed(t, e.s, "globex")
		for name, username := range map[string]string{
			"SameOrg":   e.alice.Username,
			"OtherOrg":  other.alice.Username,
			"OtherCase": strings.ToUpper(e.alice.Username),
		} {
			t.Run(name, func(t *testing.T) {
				u := &routemap.User{OrgID: e.org.ID, Username: username, Alias: "dup", Email: "dup@example.com", LastName: "Dup"}
				wantErr(t, e.s.CreateUser(ctx(t), u), routemap.ECONFLICT, routemap.ReasonDuplicateUsername, []string{"Username"})
				if !u.ID.IsZero() {
					t.Errorf("rejected user got id %s", u.ID)
				}
			})
		}
	})
	t.Run("ErrCallCenterNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		u := &routemap.User{OrgID: e.org.ID, Username: "lost@example.com", Alias: "lost", Email: "lost@example.com",
			LastName: "Lost", CallCenterID: otherID(sfid.PrefixCallCenter, 1)}
		wantErr(t, e.s.CreateUser(ctx(t), u), routemap.EINVALID, routemap.ReasonReferenceNotFound, []string{"CallCenterId"})
		// The username stays free.
		u.CallCenterID = ""
		if err := e.s.CreateUser(ctx(t), u); err != nil {
			t.Fatalf("CreateUser after rejection: %v", err)
		}
	})
	t.Run("ErrOrgNotFound", func(t *testing.T) {
		s := open(t)
		u := &routemap.User{OrgID: otherID(sfid.PrefixOrganization, 1), Username: "x@example.com", Alias: "x", Email: "x@example.com", LastName: "X"}
		wantCode(t, s.CreateUser(ctx(t), u), routemap.ENOTFOUND)
	})
	t.Run("ErrFindNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		_, err := e.s.FindUser(ctx(t), e.org.ID, otherID(sfid.PrefixUser, 1))
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("FindByUsername", func(t *testing.T) {
		e := newEnv(t, open)
		other := seed(t, e.s, "globex")
		for name, tc := range map[string]struct {
			username string
			want     *routemap.User
		}{
			"OK":          {e.alice.Username, e.alice},
			"OKOtherOrg":  {other.bob.Username, other.bob},
			"OKOtherCase": {strings.ToUpper(e.alice.Username), e.alice},
		} {
			t.Run(name, func(t *testing.T) {
				got, err := e.s.FindUserByUsername(ctx(t), tc.username)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("FindUserByUsername mismatch (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := e.s.FindUserByUsername(ctx(t), "nobody@example.com")
			wantCode(t, err, routemap.ENOTFOUND)
		})
	})
	t.Run("Update", func(t *testing.T) {
		t.Run("OK", func(t *testing.T) {
			e := newEnv(t, open)
			alias, email, first, last, hash := "ally", "ally@example.com", "Ally", "Arch", "$2a$10$new"
			active, perms := false, routemap.AdminPermissions
			time.Sleep(2 * time.Millisecond)
			c := startClock()
			got, err := e.s.UpdateUser(ctx(t), e.org.ID, e.alice.ID, routemap.UserUpdate{
				CallCenterID: &e.cc2.ID, IsActive: &active, Alias: &alias, Email: &email, FirstName: &first,
				LastName: &last, Permissions: &perms, PasswordHash: &hash})
			if err != nil {
				t.Fatal(err)
			}
			c.stop().check(t, "LastModifiedDate", got.LastModifiedDate)
			want := *e.alice
			want.CallCenterID, want.IsActive, want.Alias, want.Email = e.cc2.ID, false, alias, email
			want.FirstName, want.LastName, want.Permissions, want.PasswordHash = first, last, perms, hash
			want.LastModifiedDate = got.LastModifiedDate
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("UpdateUser mismatch (-want +got):\n%s", diff)
			}
			found, err := e.s.FindUser(ctx(t), e.org.ID, e.alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, found); diff != "" {
				t.Errorf("FindUser after update mismatch (-updated +found):\n%s", diff)
			}
		})
		t.Run("OKNilFieldsKept", func(t *testing.T) {
			e := newEnv(t, open)
			got, err := e.s.UpdateUser(ctx(t), e.org.ID, e.alice.ID, routemap.UserUpdate{})
			if err != nil {
				t.Fatal(err)
			}
			want := *e.alice
			want.LastModifiedDate = got.LastModifiedDate
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("UpdateUser mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("OKClearCallCenter", func(t *testing.T) {
			e := newEnv(t, open)
			var zero sfid.ID
			got, err := e.s.UpdateUser(ctx(t), e.org.ID, e.alice.ID, routemap.UserUpdate{CallCenterID: &zero})
			if err != nil {
				t.Fatal(err)
			}
			if !got.CallCenterID.IsZero() {
				t.Errorf("CallCenterID = %s, want cleared", got.CallCenterID)
			}
			found, err := e.s.FindUser(ctx(t), e.org.ID, e.alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !found.CallCenterID.IsZero() {
				t.Errorf("stored CallCenterID = %s, want cleared", found.CallCenterID)
			}
		})
		t.Run("ErrCallCenterNotFound", func(t *testing.T) {
			e := newEnv(t, open)
			bad := otherID(sfid.PrefixCallCenter, 1)
			_, err := e.s.UpdateUser(ctx(t), e.org.ID, e.alice.ID, routemap.UserUpdate{CallCenterID: &bad})
			wantErr(t, err, routemap.EINVALID, routemap.ReasonReferenceNotFound, []string{"CallCenterId"})
			found, err := e.s.FindUser(ctx(t), e.org.ID, e.alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(e.alice, found); diff != "" {
				t.Errorf("rejected update changed the user (-before +after):\n%s", diff)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			e := newEnv(t, open)
			_, err := e.s.UpdateUser(ctx(t), e.org.ID, otherID(sfid.PrefixUser, 1), routemap.UserUpdate{})
			wantCode(t, err, routemap.ENOTFOUND)
		})
	})
	t.Run("List", func(t *testing.T) {
		e := newEnv(t, open)
		ids := func(us []*routemap.User) []sfid.ID {
			var out []sfid.ID
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}
		for name, tc := range map[string]struct {
			center sfid.ID
			want   []*routemap.User
		}{
			"OKAll":         {"", []*routemap.User{e.admin, e.alice, e.bob, e.carol, e.dave, e.eve}},
			"OKCenter":      {e.cc.ID, []*routemap.User{e.alice, e.bob, e.carol}},
			"OKOtherCenter": {e.cc2.ID, []*routemap.User{e.dave}},
			"OKUnknown":     {otherID(sfid.PrefixCallCenter, 1), nil},
		} {
			t.Run(name, func(t *testing.T) {
				got, err := e.s.ListUsers(ctx(t), e.org.ID, tc.center)
				if err != nil {
					t.Fatal(err)
				}
				want := sortedUsers(tc.want)
				if diff := cmp.Diff(ids(want), ids(got)); diff != "" {
					t.Fatalf("ListUsers ids mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
					t.Errorf("ListUsers mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func sortedUsers(us []*routemap.User) []*routemap.User {
	out := append([]*routemap.User(nil), us...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func testCallCenter(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		c := startClock()
		cc := &routemap.CallCenter{OrgID: e.org.ID, Name: "Third", InternalName: "Third",
			Provider: routemap.ProviderPartnerFromAmazonConnect, UsernameTemplate: "{UserId15}@{OrgId15}",
			ConnectInstanceARN: "arn:aws:connect:eu-west-1:111122223333:instance/0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"}
		if err := e.s.CreateCallCenter(ctx(t), cc); err != nil {
			t.Fatal(err)
		}
		c.stop().check(t, "CreatedDate", cc.CreatedDate)
		mustParse(t, cc.ID, sfid.PrefixCallCenter)
		got, err := e.s.FindCallCenter(ctx(t), e.org.ID, cc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cc, got); diff != "" {
			t.Errorf("FindCallCenter mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("OKAutoProvider", func(t *testing.T) {
		e := newEnv(t, open)
		cc := &routemap.CallCenter{OrgID: e.org.ID, Name: "Auto", InternalName: "Auto"}
		if err := e.s.CreateCallCenter(ctx(t), cc); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindCallCenter(ctx(t), e.org.ID, cc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cc, got); diff != "" {
			t.Errorf("FindCallCenter mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("ErrDuplicateInternalName", func(t *testing.T) {
		e := newEnv(t, open)
		for name, internal := range map[string]string{"Same": e.cc.InternalName, "OtherCase": strings.ToUpper(e.cc.InternalName)} {
			t.Run(name, func(t *testing.T) {
				cc := &routemap.CallCenter{OrgID: e.org.ID, Name: "Dup", InternalName: internal}
				err := wantErr(t, e.s.CreateCallCenter(ctx(t), cc), routemap.ECONFLICT, routemap.ReasonDuplicateValue, []string{"InternalName"})
				if !strings.Contains(err.Message, string(e.cc.ID)) {
					t.Errorf("message %q does not name %s", err.Message, e.cc.ID)
				}
			})
		}
	})
	t.Run("OKSameInternalNameOtherOrg", func(t *testing.T) {
		e := newEnv(t, open)
		org := &routemap.Org{Name: "globex"}
		if err := e.s.CreateOrg(ctx(t), org); err != nil {
			t.Fatal(err)
		}
		cc := &routemap.CallCenter{OrgID: org.ID, Name: "Copy", InternalName: e.cc.InternalName}
		if err := e.s.CreateCallCenter(ctx(t), cc); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		_, err := e.s.FindCallCenter(ctx(t), e.org.ID, otherID(sfid.PrefixCallCenter, 1))
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("ErrOrgNotFound", func(t *testing.T) {
		s := open(t)
		err := s.CreateCallCenter(ctx(t), &routemap.CallCenter{OrgID: otherID(sfid.PrefixOrganization, 1), Name: "x", InternalName: "x"})
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("List", func(t *testing.T) {
		e := newEnv(t, open)
		got, err := e.s.ListCallCenters(ctx(t), e.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []*routemap.CallCenter{e.cc, e.cc2}
		if want[1].ID < want[0].ID {
			want[0], want[1] = want[1], want[0]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListCallCenters mismatch (-want +got):\n%s", diff)
		}
	})
}

func testGroup(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		c := startClock()
		g := &routemap.Group{OrgID: e.org.ID, Name: "Billing", DeveloperName: "Billing", Type: "ContactCenterGroup"}
		if err := e.s.CreateGroup(ctx(t), g); err != nil {
			t.Fatal(err)
		}
		c.stop().check(t, "CreatedDate", g.CreatedDate)
		mustParse(t, g.ID, sfid.PrefixGroup)
		got, err := e.s.FindGroup(ctx(t), e.org.ID, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(g, got); diff != "" {
			t.Errorf("FindGroup mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		_, err := e.s.FindGroup(ctx(t), e.org.ID, otherID(sfid.PrefixGroup, 1))
		wantCode(t, err, routemap.ENOTFOUND)
	})
}

func testConnectedApp(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		c := startClock()
		app := &routemap.ConnectedApp{OrgID: e.org.ID, Name: "Importer", ClientID: "3MVG9abc", SecretHash: "$2a$10$s",
			RunAsUserID: e.admin.ID, CertificatePEM: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"}
		if err := e.s.CreateConnectedApp(ctx(t), app); err != nil {
			t.Fatal(err)
		}
		c.stop().check(t, "CreatedDate", app.CreatedDate)
		mustParse(t, app.ID, sfid.PrefixConnectedApp)
		got, err := e.s.FindConnectedAppByClientID(ctx(t), app.ClientID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(app, got); diff != "" {
			t.Errorf("FindConnectedAppByClientID mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("OKNoRunAsUser", func(t *testing.T) {
		e := newEnv(t, open)
		app := &routemap.ConnectedApp{OrgID: e.org.ID, Name: "Password flow", ClientID: "3MVG9pw"}
		if err := e.s.CreateConnectedApp(ctx(t), app); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindConnectedAppByClientID(ctx(t), app.ClientID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(app, got); diff != "" {
			t.Errorf("FindConnectedAppByClientID mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("ErrDuplicateClientID", func(t *testing.T) {
		e := newEnv(t, open)
		other := seed(t, e.s, "globex")
		if err := e.s.CreateConnectedApp(ctx(t), &routemap.ConnectedApp{OrgID: e.org.ID, Name: "A", ClientID: "3MVG9dup"}); err != nil {
			t.Fatal(err)
		}
		err := e.s.CreateConnectedApp(ctx(t), &routemap.ConnectedApp{OrgID: other.org.ID, Name: "B", ClientID: "3MVG9dup"})
		wantErr(t, err, routemap.ECONFLICT, routemap.ReasonDuplicateValue, nil)
	})
	t.Run("ErrRunAsUserNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		err := e.s.CreateConnectedApp(ctx(t), &routemap.ConnectedApp{OrgID: e.org.ID, Name: "A", ClientID: "3MVG9x",
			RunAsUserID: otherID(sfid.PrefixUser, 1)})
		wantErr(t, err, routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		if err := e.s.CreateConnectedApp(ctx(t), &routemap.ConnectedApp{OrgID: e.org.ID, Name: "A", ClientID: "3MVG9case"}); err != nil {
			t.Fatal(err)
		}
		for name, id := range map[string]string{"Unknown": "nope", "OtherCase": "3mvg9CASE"} {
			t.Run(name, func(t *testing.T) {
				_, err := e.s.FindConnectedAppByClientID(ctx(t), id)
				wantCode(t, err, routemap.ENOTFOUND)
			})
		}
	})
}

func testSession(t *testing.T, open func(*testing.T) routemap.Store) {
	newSession := func(t *testing.T, e *env, hash string, expires time.Time) *routemap.Session {
		t.Helper()
		app := &routemap.ConnectedApp{OrgID: e.org.ID, Name: "App " + hash, ClientID: "client-" + hash}
		if err := e.s.CreateConnectedApp(ctx(t), app); err != nil {
			t.Fatal(err)
		}
		s := &routemap.Session{TokenHash: hash, OrgID: e.org.ID, UserID: e.alice.ID, AppID: app.ID,
			IssuedAt: time.Now().UTC().Truncate(time.Millisecond), ExpiresAt: expires.UTC().Truncate(time.Millisecond)}
		if err := e.s.CreateSession(ctx(t), s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		s := newSession(t, e, "aa11", time.Now().Add(time.Hour))
		got, err := e.s.FindSession(ctx(t), s.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("FindSession mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("OKWithoutApp", func(t *testing.T) {
		e := newEnv(t, open)
		s := &routemap.Session{TokenHash: "cc33", OrgID: e.org.ID, UserID: e.admin.ID,
			IssuedAt: time.Now().UTC().Truncate(time.Millisecond), ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)}
		if err := e.s.CreateSession(ctx(t), s); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindSession(ctx(t), s.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("FindSession mismatch (-created +found):\n%s", diff)
		}
	})
	t.Run("OKExpiredStillFound", func(t *testing.T) {
		e := newEnv(t, open)
		s := newSession(t, e, "bb22", time.Now().Add(-time.Hour))
		got, err := e.s.FindSession(ctx(t), s.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		if !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, s.ExpiresAt)
		}
	})
	t.Run("ErrUserNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		err := e.s.CreateSession(ctx(t), &routemap.Session{TokenHash: "dd44", OrgID: e.org.ID, UserID: otherID(sfid.PrefixUser, 1),
			IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
		wantErr(t, err, routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
	})
	t.Run("ErrDuplicateTokenHash", func(t *testing.T) {
		e := newEnv(t, open)
		s := newSession(t, e, "ee55", time.Now().Add(time.Hour))
		dup := *s
		wantErr(t, e.s.CreateSession(ctx(t), &dup), routemap.ECONFLICT, routemap.ReasonDuplicateValue, nil)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.FindSession(ctx(t), "unknown")
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("Delete", func(t *testing.T) {
		e := newEnv(t, open)
		s := newSession(t, e, "ff66", time.Now().Add(time.Hour))
		if err := e.s.DeleteSession(ctx(t), s.TokenHash); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.FindSession(ctx(t), s.TokenHash)
		wantCode(t, err, routemap.ENOTFOUND)
		t.Run("OKUnknown", func(t *testing.T) {
			if err := e.s.DeleteSession(ctx(t), s.TokenHash); err != nil {
				t.Errorf("DeleteSession of a deleted session: %v", err)
			}
		})
	})
}
