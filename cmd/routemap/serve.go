package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	rmhttp "routemap/http"
	"routemap/sqlite"
)

type serveOptions struct {
	ConfigFile string
	Config     Config
	Demo       bool
	DemoUsers  int
	CPUProfile string
	set        func(name string) bool
}

func (m *Main) serveCommand() *cobra.Command {
	var o serveOptions
	flagCfg := DefaultConfig()
	c := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--data DIR] [--demo]",
		Short: "Run a Salesforce-compatible org for contact centers, users and routing maps",
		Long: `serve runs routemap's Salesforce-compatible server: OAuth tokens, the REST API
(sObjects, describe, SOQL query, sObject Collections) for CallCenterRoutingMap,
User, CallCenter and Group, on an embedded SQLite store in --data. Salesforce
clients (jsforce, the Salesforce CLI, Postman, routemap import) work against it
with its instance URL.

--demo seeds an empty store with a demo org (an Amazon Connect contact
center, an admin, a read-only viewer, a connected app and --demo-users reps)
and writes the credentials to DIR/demo-credentials.json.

Stop it with Ctrl-C (SIGINT) or SIGTERM; requests in flight finish first.`,
		Example: `  routemap serve --demo
  routemap serve --addr 0.0.0.0:8443 --base-url https://routemap.example.com --data /var/lib/routemap`,
		Args: positional(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			o.set = func(name string) bool { return c.Flags().Changed(name) }
			cfg, err := m.loadConfig(o.ConfigFile, flagCfg, o.set)
			if err != nil {
				return err
			}
			o.Config = cfg
			return m.runServe(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.ConfigFile, "config", "", "JSON configuration file")
	f.StringVar(&flagCfg.Addr, "addr", flagCfg.Addr, "address to listen on (port 0 picks a free one)")
	f.StringVar(&flagCfg.Data, "data", flagCfg.Data, "directory of the SQLite store (created if missing)")
	f.StringVar(&flagCfg.BaseURL, "base-url", "", "instance URL to report to clients (default http://<listen address>)")
	f.DurationVar((*time.Duration)(&flagCfg.TokenTTL), "token-ttl", time.Duration(flagCfg.TokenTTL), "lifetime of access tokens")
	f.IntVar(&flagCfg.DailyRequestLimit, "daily-request-limit", flagCfg.DailyRequestLimit, "API requests an org may make per UTC day")
	f.StringVar(&flagCfg.LogLevel, "log-level", flagCfg.LogLevel, "log level: debug, info, warn, error")
	f.StringVar(&flagCfg.LogFormat, "log-format", flagCfg.LogFormat, "log format: json or text")
	f.BoolVar(&o.Demo, "demo", false, "seed an empty store with a demo org and write demo-credentials.json")
	f.IntVar(&o.DemoUsers, "demo-users", 50, "number of demo reps in the contact center")
	f.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the server's run to this file (for performance work)")
	f.MarkHidden("cpuprofile")
	return c
}

// loadConfig applies defaults, file, environment and flags in that order.
func (m *Main) loadConfig(file string, flags Config, set func(string) bool) (Config, error) {
	cfg := DefaultConfig()
	if file != "" {
		if err := ReadConfigFile(file, &cfg); err != nil {
			return cfg, usageErrorf("%v", err)
		}
	}
	if err := applyEnv(&cfg, m.Getenv); err != nil {
		return cfg, usageErrorf("%v", err)
	}
	if set("addr") {
		cfg.Addr = flags.Addr
	}
	if set("data") {
		cfg.Data = flags.Data
	}
	if set("base-url") {
		cfg.BaseURL = flags.BaseURL
	}
	if set("token-ttl") {
		cfg.TokenTTL = flags.TokenTTL
	}
	if set("daily-request-limit") {
		cfg.DailyRequestLimit = flags.DailyRequestLimit
	}
	if set("log-level") {
		cfg.LogLevel = flags.LogLevel
	}
	if set("log-format") {
		cfg.LogFormat = flags.LogFormat
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageErrorf("%v", err)
	}
	return cfg, nil
}

// storePath is the SQLite file inside a data directory.
func storePath(dir string) string { return filepath.Join(dir, "routemap.db") }

// openStore creates the data directory if needed and opens its store.
func openStore(dir string) (*sqlite.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return sqlite.Open(storePath(dir), sqlite.Options{})
}

func (m *Main) runServe(ctx context.Context, o serveOptions) error {
	if o.DemoUsers < 0 || o.DemoUsers > 1000000 {
		return usageErrorf("--demo-users must be between 0 and 1,000,000")
	}
	cfg := o.Config
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	logs := newLogWriter(m.Stderr)
	defer logs.Close()
	logger := cfg.logger(logs)
	store, err := openStore(cfg.Data)
	if err != nil {
		return err
	}
	defer store.Close()

	srv := rmhttp.NewServer(store)
	srv.Addr = cfg.Addr
	srv.BaseURL = cfg.BaseURL
	srv.Logger = logger
	srv.TokenTTL = time.Duration(cfg.TokenTTL)
	srv.DailyRequestLimit = cfg.DailyRequestLimit
	srv.SetReady(!o.Demo) // healthy once the demo org is seeded
	if err := srv.Open(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "routemap: listening on %s\n", srv.URL())
	if o.Demo {
		path, fresh, err := seedDemo(ctx, store, cfg.Data, srv.URL(), o.DemoUsers, m.Stderr)
		if err != nil {
			srv.Close()
			return err
		}
		if fresh {
			fmt.Fprintf(m.Stderr, "routemap: demo org seeded; credentials in %s\n", path)
		} else {
			fmt.Fprintf(m.Stderr, "routemap: demo org already there; credentials in %s\n", path)
		}
		srv.SetReady(true)
	}
	<-ctx.Done()
	fmt.Fprintln(m.Stderr, "routemap: shutting down")
	if err := srv.Close(); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
