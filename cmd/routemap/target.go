package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"routemap"
	"routemap/salesforce"
)

// Target is an org routemap can talk to, saved by `routemap login`.
type Target struct {
	InstanceURL string `json:"instance_url"`
	APIVersion  string `json:"api_version,omitempty"`
	// Auth is how to get a token: access-token, client-credentials, jwt or password.
	Auth         string `json:"auth"`
	AccessToken  string `json:"access_token,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	Username     string `json:"username,omitempty"`
	Password     string `json:"password,omitempty"`
	KeyFile      string `json:"key_file,omitempty"`
	LoginURL     string `json:"login_url,omitempty"`
	Audience     string `json:"audience,omitempty"`
}

// targetFile is the saved targets, in the user's config directory.
type targetFile struct {
	Default string             `json:"default,omitempty"`
	Targets map[string]*Target `json:"targets"`
}

// configDir is routemap's directory for user configuration:
// $ROUTEMAP_CONFIG_DIR, else $XDG_CONFIG_HOME/routemap, else ~/.config/routemap.
func (m *Main) configDir() (string, error) {
	if d := m.Getenv("ROUTEMAP_CONFIG_DIR"); d != "" {
		return d, nil
	}
	if d := m.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "routemap"), nil
	}
	home := m.Getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find a config directory: set HOME or ROUTEMAP_CONFIG_DIR")
	}
	return filepath.Join(home, ".config", "routemap"), nil
}

func (m *Main) targetsPath() (string, error) {
	d, err := m.configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "targets.json"), nil
}

func (m *Main) loadTargets() (*targetFile, error) {
	path, err := m.targetsPath()
	if err != nil {
		return nil, err
	}
	tf := &targetFile{Targets: map[string]*Target{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return tf, nil
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, tf); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if tf.Targets == nil {
		tf.Targets = map[string]*Target{}
	}
	return tf, nil
}

// saveTargets writes the targets with mode 0600: they hold secrets.
func (m *Main) saveTargets(tf *targetFile) error {
	path, err := m.targetsPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writeSecretJSON(path, tf)
}

// orgFlags are the flags every command that talks to an org takes.
type orgFlags struct {
	Target      string
	InstanceURL string
	AccessToken string
	APIVersion  string
}

func (f *orgFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.Target, "target", "", "saved org to use (see routemap login; default: the default target)")
	c.Flags().StringVar(&f.InstanceURL, "instance-url", "", "org instance URL (or SF_INSTANCE_URL), with --access-token")
	c.Flags().StringVar(&f.AccessToken, "access-token", "", "access token (or SF_ACCESS_TOKEN); prefer the variable, flags show in ps")
	c.Flags().StringVar(&f.APIVersion, "api-version", "", "API version (default: the target's, else 62.0)")
}

// authError is a failure to reach or log in to an org: exit status 3.
func authError(err error) error { return &exitError{code: exitAuthConn, err: err} }

// client builds a Salesforce client from the flags, the environment and
// the saved targets, in that order of precedence.
func (m *Main) client(ctx context.Context, f orgFlags) (*salesforce.Client, string, error) {
	instance, token := f.InstanceURL, f.AccessToken
	if instance == "" && f.Target == "" {
		instance = m.Getenv("SF_INSTANCE_URL")
	}
	if token == "" && f.Target == "" {
		token = m.Getenv("SF_ACCESS_TOKEN")
	}
	var t *Target
	name := f.Target
	switch {
	case token != "" && instance != "":
		t = &Target{InstanceURL: instance, Auth: "access-token", AccessToken: token}
		name = instance
	case token != "" || (instance != "" && f.Target == ""):
		return nil, "", usageErrorf("--instance-url and --access-token go together (or SF_INSTANCE_URL and SF_ACCESS_TOKEN)")
	default:
		tf, err := m.loadTargets()
		if err != nil {
			return nil, "", err
		}
		if name == "" {
			name = tf.Default
		}
		if name == "" {
			return nil, "", usageErrorf("no org: give --target, or --instance-url with --access-token, or save one with routemap login")
		}
		if t = tf.Targets[name]; t == nil {
			return nil, "", usageErrorf("no saved target %q (routemap login --list shows them)", name)
		}
	}
	version := f.APIVersion
	if version == "" {
		version = t.APIVersion
	}
	c, err := newClient(t, version)
	if err != nil {
		return nil, "", err
	}
	return c, name, nil
}

// newClient builds the client for a target.
func newClient(t *Target, version string) (*salesforce.Client, error) {
	hc := &http.Client{Timeout: 10 * time.Minute}
	var auth salesforce.Authenticator
	switch t.Auth {
	case "access-token":
		auth = &salesforce.StaticToken{AccessToken: t.AccessToken, InstanceURL: t.InstanceURL}
	case "client-credentials":
		auth = &salesforce.ClientCredentials{URL: t.InstanceURL, ClientID: t.ClientID, ClientSecret: t.ClientSecret, HTTPClient: hc}
	case "jwt":
		key, err := salesforce.ReadRSAPrivateKey(t.KeyFile)
		if err != nil {
			return nil, usageErrorf("jwt key: %v", err)
		}
		auth = &salesforce.JWTBearer{LoginURL: firstNonEmpty(t.LoginURL, t.InstanceURL), Audience: t.Audience, ClientID: t.ClientID, Username: t.Username, Key: key, HTTPClient: hc}
	case "password":
		auth = &salesforce.Password{LoginURL: firstNonEmpty(t.LoginURL, t.InstanceURL), ClientID: t.ClientID, ClientSecret: t.ClientSecret,
			Username: t.Username, Password: t.Password, HTTPClient: hc}
	default:
		return nil, usageErrorf("target has unknown auth %q", t.Auth)
	}
	return salesforce.New(t.InstanceURL, salesforce.Options{HTTPClient: hc, APIVersion: version, Auth: auth, UserAgent: "routemap"})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// orgErr classifies an error from talking to an org: refused credentials
// and unreachable orgs are exit status 3.
func orgErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	if routemap.ErrorCode(err) == routemap.EUNAUTHORIZED || isConnErr(err) {
		return authError(err)
	}
	return err
}

func isConnErr(err error) bool {
	msg := err.Error()
	for _, s := range []string{"connection refused", "no such host", "dial tcp", "i/o timeout", "connection reset", "EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

type loginOptions struct {
	Name, InstanceURL, APIVersion             string
	AccessTokenStdin, PasswordStdin           bool
	ClientID, ClientSecret, Username, KeyFile string
	LoginURL, Audience                        string
	Default, NoVerify, List                   bool
	Remove                                    string
}

func (m *Main) loginCommand() *cobra.Command {
	var o loginOptions
	c := &cobra.Command{
		Use:   "login NAME --instance-url URL (--access-token-stdin | --client-id ID --client-secret S | --jwt-key-file F --client-id ID --username U | --username U --password-stdin --client-id ID --client-secret S)",
		Short: "Save an org (a real Salesforce org or routemap serve) as a named target",
		Long: `login checks that routemap can reach an org and saves it, as a named target,
in the user's config directory (targets.json, mode 0600). Commands that talk
to an org (import, export, build, audit) take --target NAME; without it they
use the default target, or --instance-url with --access-token (or the
SF_INSTANCE_URL and SF_ACCESS_TOKEN variables).

Ways to log in:
  --access-token-stdin                          a token you already have
  --client-id, --client-secret                  the client-credentials flow
  --jwt-key-file, --client-id, --username       the JWT bearer flow (--login-url
                                                https://test.salesforce.com for sandboxes)
  --username, --password-stdin, --client-id, --client-secret
                                                the username-password flow (blocked by
                                                default in orgs made since Summer '23)`,
		Example: `  echo "$SF_ACCESS_TOKEN" | routemap login prod --instance-url https://acme.my.salesforce.com --access-token-stdin --default
  routemap login demo --instance-url http://127.0.0.1:8080 --client-id "$ID" --client-secret "$SECRET"
  routemap login --list`,
		Args: positional(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Name = args[0]
			}
			return m.runLogin(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.InstanceURL, "instance-url", "", "the org's instance (My Domain) URL")
	f.StringVar(&o.APIVersion, "api-version", "", "API version to use with this org (default 62.0)")
	f.BoolVar(&o.AccessTokenStdin, "access-token-stdin", false, "read an access token from standard input")
	f.StringVar(&o.ClientID, "client-id", "", "connected app consumer key")
	f.StringVar(&o.ClientSecret, "client-secret", "", "connected app consumer secret")
	f.StringVar(&o.Username, "username", "", "Salesforce username (JWT bearer and password flows)")
	f.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password (plus security token) from standard input")
	f.StringVar(&o.KeyFile, "jwt-key-file", "", "RSA private key (PEM) for the JWT bearer flow")
	f.StringVar(&o.LoginURL, "login-url", "", "token endpoint base for JWT and password flows (default: the instance URL)")
	f.StringVar(&o.Audience, "audience", "", "JWT audience (default https://login.salesforce.com)")
	f.BoolVar(&o.Default, "default", false, "make this the default target")
	f.BoolVar(&o.NoVerify, "no-verify", false, "save without checking that the org answers")
	f.BoolVar(&o.List, "list", false, "list the saved targets")
	f.StringVar(&o.Remove, "remove", "", "forget a saved target")
	return c
}

func (m *Main) runLogin(ctx context.Context, o loginOptions) error {
	tf, err := m.loadTargets()
	if err != nil {
		return err
	}
	switch {
	case o.List:
		names := make([]string, 0, len(tf.Targets))
		for n := range tf.Targets {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			mark := " "
			if n == tf.Default {
				mark = "*"
			}
			fmt.Fprintf(m.Stdout, "%s %-16s %-18s %s\n", mark, n, tf.Targets[n].Auth, tf.Targets[n].InstanceURL)
		}
		return nil
	case o.Remove != "":
		if tf.Targets[o.Remove] == nil {
			return usageErrorf("no saved target %q", o.Remove)
		}
		delete(tf.Targets, o.Remove)
		if tf.Default == o.Remove {
			tf.Default = ""
		}
		return m.saveTargets(tf)
	}
	if o.Name == "" {
		return usageErrorf("give the target a NAME (or use --list)")
	}
	if o.InstanceURL == "" {
		return usageErrorf("--instance-url is required")
	}
	t := &Target{InstanceURL: strings.TrimRight(o.InstanceURL, "/"), APIVersion: o.APIVersion, ClientID: o.ClientID,
		ClientSecret: o.ClientSecret, Username: o.Username, LoginURL: o.LoginURL, Audience: o.Audience}
	stdin := func(what string) (string, error) {
		lines, err := readLines(m.Stdin)
		if err != nil || len(lines) == 0 {
			return "", usageErrorf("%s: nothing on standard input", what)
		}
		return lines[0], nil
	}
	switch {
	case o.AccessTokenStdin:
		t.Auth = "access-token"
		if t.AccessToken, err = stdin("--access-token-stdin"); err != nil {
			return err
		}
	case o.KeyFile != "":
		if o.ClientID == "" || o.Username == "" {
			return usageErrorf("the JWT bearer flow needs --client-id and --username")
		}
		abs, err := filepath.Abs(o.KeyFile)
		if err != nil {
			return err
		}
		t.Auth, t.KeyFile = "jwt", abs
	case o.PasswordStdin:
		if o.Username == "" || o.ClientID == "" || o.ClientSecret == "" {
			return usageErrorf("the password flow needs --username, --client-id and --client-secret")
		}
		t.Auth = "password"
		if t.Password, err = stdin("--password-stdin"); err != nil {
			return err
		}
	case o.ClientID != "" && o.ClientSecret != "":
		t.Auth = "client-credentials"
	default:
		return usageErrorf("say how to log in: --access-token-stdin, --client-id with --client-secret, --jwt-key-file, or --password-stdin")
	}
	who := ""
	if !o.NoVerify {
		c, err := newClient(t, t.APIVersion)
		if err != nil {
			return err
		}
		id, err := c.Identity(ctx)
		if err != nil {
			return orgErr(fmt.Errorf("log in to %s: %w", t.InstanceURL, err))
		}
		who = fmt.Sprintf(" as %s (org %s)", id.Username, id.OrgID)
	}
	tf.Targets[o.Name] = t
	if o.Default || tf.Default == "" {
		tf.Default = o.Name
	}
	if err := m.saveTargets(tf); err != nil {
		return err
	}
	path, _ := m.targetsPath()
	fmt.Fprintf(m.Stderr, "routemap: saved %s%s in %s\n", o.Name, who, path)
	return nil
}
