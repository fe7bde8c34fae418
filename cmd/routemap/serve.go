package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	rmhttp "routemap/http"
	"routemap/localconnect"
	"routemap/sqlite"
)

type serveOptions struct {
	ConfigFile string
	Config     Config
	Demo       bool
	DemoUsers  int
	CPUProfile string
	// The local Amazon Connect: its address ("" is off, or 127.0.0.1:0
	// with --demo), region, and throttle.
	ConnectAddr     string
	ConnectRegion   string
	ConnectThrottle float64
	ConnectBurst    int
	set             func(name string) bool
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

A local Amazon Connect (the AWS wire protocol, with SigV4) runs on its own
listener, --connect-addr, 127.0.0.1 on a free port with --demo ("off"
turns it off). Its state is DIR/connect.json. With --demo it holds the
demo contact center's instance: an agent and a USER quick connect for most
reps, named in the SSO format {Alias}@{UserId15}@{OrgId15}; a few reps
without one; and demo-credentials.json gets connect_endpoint and an AWS
access key.
--connect-throttle makes it answer ThrottlingException above a rate, as
Amazon Connect does. docs/telephony.md describes it.

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
	f.StringVar(&o.ConnectAddr, "connect-addr", "", "address of the local Amazon Connect (default 127.0.0.1:0 with --demo, none without; off: none)")
	f.StringVar(&o.ConnectRegion, "connect-region", "", "region the local Amazon Connect answers for (default: the demo instance's, else "+localconnect.DefaultRegion+")")
	f.Float64Var(&o.ConnectThrottle, "connect-throttle", 0, "throttle the local Amazon Connect above this many requests a second (0: never)")
	f.IntVar(&o.ConnectBurst, "connect-burst", 0, "requests the throttled local Amazon Connect allows at once (default: the rate, rounded up)")
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
	if o.ConnectThrottle < 0 || o.ConnectBurst < 0 {
		return usageErrorf("--connect-throttle and --connect-burst must be 0 or more")
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
	var credsPath string
	var creds *demoCredentials
	var fresh bool
	if o.Demo {
		if credsPath, creds, fresh, err = seedDemo(ctx, store, cfg.Data, srv.URL(), o.DemoUsers, m.Stderr); err != nil {
			srv.Close()
			return err
		}
	}
	var lc *localConnect
	if o.ConnectAddr != "off" && (o.Demo || o.ConnectAddr != "") {
		lc, err = startLocalConnect(firstNonEmpty(o.ConnectAddr, "127.0.0.1:0"), localconnect.Options{
			StatePath: filepath.Join(cfg.Data, "connect.json"),
			Logger:    logger.With(slog.String("component", "connect")),
			Region:    firstNonEmpty(o.ConnectRegion, creds.region(), localconnect.DefaultRegion),
			Throttle:  localconnect.Throttle{Rate: o.ConnectThrottle, Burst: o.ConnectBurst},
		})
		if err != nil {
			srv.Close()
			return err
		}
		fmt.Fprintf(m.Stderr, "routemap: local Amazon Connect on %s\n", lc.url)
		if o.Demo {
			if err := seedDemoConnect(ctx, store, lc.srv, credsPath, creds, lc.url); err != nil {
				lc.Close()
				srv.Close()
				return err
			}
		}
	}
	if o.Demo {
		if fresh {
			fmt.Fprintf(m.Stderr, "routemap: demo org seeded; credentials in %s\n", credsPath)
		} else {
			fmt.Fprintf(m.Stderr, "routemap: demo org already there; credentials in %s\n", credsPath)
		}
		srv.SetReady(true)
	}
	<-ctx.Done()
	fmt.Fprintln(m.Stderr, "routemap: shutting down")
	var errs []error
	if lc != nil {
		if err := lc.Close(); err != nil {
			errs = append(errs, fmt.Errorf("shut down the local Amazon Connect: %w", err))
		}
	}
	if err := srv.Close(); err != nil {
		errs = append(errs, fmt.Errorf("shut down: %w", err))
	}
	return errors.Join(errs...)
}

// localConnect is a local Amazon Connect on its own listener.
type localConnect struct {
	srv *localconnect.Server
	hs  *http.Server
	url string // http://host:port
}

// startLocalConnect opens the local Amazon Connect's state and serves it
// on addr; it returns once listening.
func startLocalConnect(addr string, opts localconnect.Options) (*localConnect, error) {
	lcs, err := localconnect.New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for the local Amazon Connect: %w", err)
	}
	l := &localConnect{srv: lcs, url: "http://" + ln.Addr().String(), hs: &http.Server{Handler: lcs, ReadHeaderTimeout: 10 * time.Second}}
	if opts.Logger != nil {
		l.hs.ErrorLog = slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn)
	}
	go l.hs.Serve(ln)
	return l, nil
}

// Close stops accepting requests and waits (up to 10 seconds) for those
// in flight.
func (l *localConnect) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return l.hs.Shutdown(ctx)
}
