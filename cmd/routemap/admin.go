package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"

	"routemap"
	"routemap/sfid"
)

// adminCommand groups the verbs that bootstrap a real deployment without
// the API: orgs, users, contact centers and connected apps, written
// straight into a data directory.
func (m *Main) adminCommand() *cobra.Command {
	var data string
	c := &cobra.Command{
		Use:   "admin",
		Short: "Create orgs, users, contact centers and connected apps in a data directory",
		Long: `admin writes straight into the store of a data directory, for bootstrapping a
deployment before any API client can log in. Each verb prints what it created
as JSON. Run it while the server is stopped, or against the same directory
(SQLite serializes the writes).`,
	}
	c.PersistentFlags().StringVar(&data, "data", "routemap-data", "data directory of the store")
	c.AddCommand(m.adminOrgCommand(&data), m.adminUserCommand(&data), m.adminCallCenterCommand(&data), m.adminAppCommand(&data))
	return c
}

// withStore opens the data directory's store for one command.
func withStore(dir string, f func(context.Context, routemap.Store) error) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, _ []string) error {
		store, err := openStore(dir)
		if err != nil {
			return err
		}
		defer store.Close()
		return f(c.Context(), store)
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func parseOrgFlag(s string) (sfid.ID, error) {
	id, err := sfid.Parse(s)
	if err != nil || id.Prefix() != sfid.PrefixOrganization {
		return "", usageErrorf("--org: %q is not an org id (they start with 00D)", s)
	}
	return id, nil
}

func (m *Main) adminOrgCommand(data *string) *cobra.Command {
	var name string
	var limit int
	c := &cobra.Command{
		Use:     "org --name NAME",
		Short:   "Create an org",
		Example: `  routemap admin org --data /var/lib/routemap --name "Acme Support"`,
		Args:    positional(cobra.NoArgs),
	}
	c.Flags().StringVar(&name, "name", "", "org name (required)")
	c.Flags().IntVar(&limit, "daily-request-limit", 0, "API requests per day (0: the server's default)")
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if strings.TrimSpace(name) == "" {
			return usageErrorf("--name is required")
		}
		return withStore(*data, func(ctx context.Context, s routemap.Store) error {
			org := &routemap.Org{Name: name, DailyRequestLimit: limit}
			if err := s.CreateOrg(ctx, org); err != nil {
				return err
			}
			return printJSON(m.Stdout, map[string]any{"org_id": org.ID, "name": org.Name})
		})(cmd, args)
	}
	return c
}

func (m *Main) adminUserCommand(data *string) *cobra.Command {
	var o struct {
		org, username, alias, email, first, last, perms, center string
		passwordStdin, inactive                                 bool
	}
	c := &cobra.Command{
		Use:   "user --org ID --username U [--permissions LIST] [--password-stdin]",
		Short: "Create a user",
		Long: `user creates a user in an org. --permissions is a comma-separated list of
read, create, edit, delete (on CallCenterRoutingMap), manage_call_centers,
manage_users and api, or "admin" for all. With --password-stdin the first line
of standard input is the initial password (stored as a bcrypt hash); without
it the user cannot log in with a password (client credentials and JWT still
work).`,
		Example: `  echo "$PASSWORD" | routemap admin user --org 00D... --username ops@acme.com --permissions admin --password-stdin
  routemap admin user --org 00D... --username jane@acme.com --alias jane --call-center 04v... --permissions api`,
		Args: positional(cobra.NoArgs),
	}
	f := c.Flags()
	f.StringVar(&o.org, "org", "", "org id (required)")
	f.StringVar(&o.username, "username", "", "username, unique across orgs (required)")
	f.StringVar(&o.alias, "alias", "", "alias, at most 8 characters (default: from the username)")
	f.StringVar(&o.email, "email", "", "email (default: the username)")
	f.StringVar(&o.first, "first-name", "", "first name")
	f.StringVar(&o.last, "last-name", "", "last name (default: the alias)")
	f.StringVar(&o.perms, "permissions", "api", "comma-separated permissions, or admin")
	f.StringVar(&o.center, "call-center", "", "contact center the user is a member of")
	f.BoolVar(&o.passwordStdin, "password-stdin", false, "read the initial password from standard input")
	f.BoolVar(&o.inactive, "inactive", false, "create the user inactive")
	c.RunE = func(cmd *cobra.Command, args []string) error {
		org, err := parseOrgFlag(o.org)
		if err != nil {
			return err
		}
		if o.username == "" {
			return usageErrorf("--username is required")
		}
		perms, err := routemap.ParsePermissions(o.perms)
		if err != nil {
			return usageErrorf("--permissions: %v", err)
		}
		u := &routemap.User{OrgID: org, Username: o.username, Alias: o.alias, Email: o.email, FirstName: o.first, LastName: o.last,
			IsActive: !o.inactive, Permissions: perms}
		if u.Alias == "" {
			u.Alias, _, _ = strings.Cut(o.username, "@")
			if len(u.Alias) > 8 {
				u.Alias = u.Alias[:8]
			}
		}
		if len(u.Alias) > 8 {
			return usageErrorf("--alias: %q is longer than 8 characters", u.Alias)
		}
		if u.Email == "" {
			u.Email = o.username
		}
		if u.LastName == "" {
			u.LastName = u.Alias
		}
		if o.center != "" {
			cc, err := sfid.Parse(o.center)
			if err != nil || cc.Prefix() != sfid.PrefixCallCenter {
				return usageErrorf("--call-center: %q is not a contact center id (they start with 04v)", o.center)
			}
			u.CallCenterID = cc
		}
		if o.passwordStdin {
			lines, err := readLines(io.LimitReader(m.Stdin, 4096))
			if err != nil || len(lines) == 0 {
				return usageErrorf("--password-stdin: no password on standard input")
			}
			if len(lines[0]) < 8 {
				return usageErrorf("--password-stdin: a password needs at least 8 characters")
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(lines[0]), bcrypt.DefaultCost)
			if err != nil {
				return err
			}
			u.PasswordHash = string(hash)
		}
		return withStore(*data, func(ctx context.Context, s routemap.Store) error {
			if err := s.CreateUser(ctx, u); err != nil {
				return err
			}
			return printJSON(m.Stdout, map[string]any{"user_id": u.ID, "org_id": u.OrgID, "username": u.Username, "permissions": u.Permissions.String(), "call_center_id": u.CallCenterID})
		})(cmd, args)
	}
	return c
}

func (m *Main) adminCallCenterCommand(data *string) *cobra.Command {
	var o struct{ org, name, internal, provider, instance, template string }
	c := &cobra.Command{
		Use:   "call-center --org ID --name NAME --provider amazon-connect|partner|partner-from-amazon-connect",
		Short: "Create a contact center",
		Example: `  routemap admin call-center --org 00D... --name "Support" --provider amazon-connect \
      --connect-instance arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f`,
		Args: positional(cobra.NoArgs),
	}
	f := c.Flags()
	f.StringVar(&o.org, "org", "", "org id (required)")
	f.StringVar(&o.name, "name", "", "contact center name (required)")
	f.StringVar(&o.internal, "internal-name", "", "internal name, unique in the org (default: the name without spaces)")
	f.StringVar(&o.provider, "provider", "amazon-connect", "telephony: amazon-connect, partner or partner-from-amazon-connect")
	f.StringVar(&o.instance, "connect-instance", "", "Amazon Connect instance ARN (Amazon Connect providers)")
	f.StringVar(&o.template, "username-template", routemap.DefaultUsernameTemplate, "SSO username format of telephony users")
	c.RunE = func(cmd *cobra.Command, args []string) error {
		org, err := parseOrgFlag(o.org)
		if err != nil {
			return err
		}
		if o.name == "" {
			return usageErrorf("--name is required")
		}
		p, err := routemap.ParseProvider(o.provider)
		if err != nil || p == routemap.ProviderAuto {
			return usageErrorf("--provider: use amazon-connect, partner or partner-from-amazon-connect")
		}
		if o.instance != "" {
			a, err := routemap.ParseConnectARN(o.instance)
			if err != nil || a.Resource != "" {
				return usageErrorf("--connect-instance: %q is not an Amazon Connect instance ARN", o.instance)
			}
		} else if p == routemap.ProviderAmazonConnect {
			return usageErrorf("--connect-instance is required for an Amazon Connect contact center")
		}
		if o.internal == "" {
			o.internal = strings.ReplaceAll(o.name, " ", "")
		}
		cc := &routemap.CallCenter{OrgID: org, Name: o.name, InternalName: o.internal, Provider: p, ConnectInstanceARN: o.instance, UsernameTemplate: o.template}
		return withStore(*data, func(ctx context.Context, s routemap.Store) error {
			if err := s.CreateCallCenter(ctx, cc); err != nil {
				return err
			}
			return printJSON(m.Stdout, map[string]any{"call_center_id": cc.ID, "name": cc.Name, "provider": cc.Provider, "connect_instance_arn": cc.ConnectInstanceARN})
		})(cmd, args)
	}
	return c
}

func (m *Main) adminAppCommand(data *string) *cobra.Command {
	var o struct{ org, name, runAs, cert string }
	c := &cobra.Command{
		Use:   "app --org ID --name NAME [--run-as USER_ID] [--certificate FILE]",
		Short: "Create a connected app (OAuth client) and print its id and secret",
		Long: `app creates an OAuth client for an org and prints its client id and secret; the
secret is stored hashed and shown only this once. --run-as names the user the
client-credentials flow acts as; --certificate (a PEM certificate or public
key) enables the JWT bearer flow.`,
		Args: positional(cobra.NoArgs),
	}
	f := c.Flags()
	f.StringVar(&o.org, "org", "", "org id (required)")
	f.StringVar(&o.name, "name", "", "app name (required)")
	f.StringVar(&o.runAs, "run-as", "", "user id for the client-credentials flow")
	f.StringVar(&o.cert, "certificate", "", "PEM file that verifies JWT bearer assertions")
	c.RunE = func(cmd *cobra.Command, args []string) error {
		org, err := parseOrgFlag(o.org)
		if err != nil {
			return err
		}
		if o.name == "" {
			return usageErrorf("--name is required")
		}
		app := &routemap.ConnectedApp{OrgID: org, Name: o.name, ClientID: "3MVG9" + secret(80)}
		if o.runAs != "" {
			if app.RunAsUserID, err = sfid.Parse(o.runAs); err != nil || app.RunAsUserID.Prefix() != sfid.PrefixUser {
				return usageErrorf("--run-as: %q is not a user id", o.runAs)
			}
		}
		if o.cert != "" {
			pem, err := os.ReadFile(o.cert)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			app.CertificatePEM = string(pem)
		}
		clientSecret := secret(64)
		hash, err := bcrypt.GenerateFromPassword([]byte(clientSecret), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		app.SecretHash = string(hash)
		return withStore(*data, func(ctx context.Context, s routemap.Store) error {
			if !app.RunAsUserID.IsZero() {
				if _, err := s.FindUser(ctx, org, app.RunAsUserID); err != nil {
					return fmt.Errorf("--run-as: %w", err)
				}
			}
			if err := s.CreateConnectedApp(ctx, app); err != nil {
				return err
			}
			return printJSON(m.Stdout, map[string]any{"app_id": app.ID, "client_id": app.ClientID, "client_secret": clientSecret})
		})(cmd, args)
	}
	return c
}
