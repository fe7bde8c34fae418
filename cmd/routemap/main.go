// Command routemap maps Salesforce users to telephony users for Service
// Cloud Voice: it checks routing-map CSVs, converts Salesforce ids, serves a
// Salesforce-compatible org (with a local Amazon Connect), and builds,
// imports, exports and audits maps. This package is the only place where
// concrete adapters meet; every subcommand lives in its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"routemap"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := NewMain(os.Stdin, os.Stdout, os.Stderr, os.Getenv).Run(ctx, os.Args[1:])
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// Exit codes shared by every command.
const (
	exitOK       = 0
	exitFailure  = 1 // the job ran and found problems or failed
	exitUsage    = 2 // bad flags or arguments, or a file that cannot be opened
	exitAuthConn = 3 // the org refused our credentials or could not be reached
)

// Main holds the process's streams and environment so that tests can run
// commands end to end without touching the real ones.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// NewMain returns a Main over the given streams and environment lookup.
func NewMain(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *Main {
	return &Main{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
}

// Run parses args and runs the command they name.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	if _, _, err := root.Find(args); err != nil {
		return usageErrorf("%v", err)
	}
	return root.ExecuteContext(ctx)
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "routemap",
		Short: "Map Salesforce users to telephony users for Service Cloud Voice",
		Long: `routemap builds, checks, imports and audits CallCenterRoutingMap records,
the rows that map each Service Cloud Voice rep to their Amazon Connect or
partner telephony user. A rep without one gets no calls.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v (see %s --help)", err, c.CommandPath())
	})
	root.AddCommand(
		m.idCommand(),
		m.validateCommand(),
		m.serveCommand(),
		m.adminCommand(),
		m.tokenCommand(),
		m.loginCommand(),
		m.importCommand(),
		m.exportCommand(),
		m.buildCommand(),
		m.auditCommand(),
	)
	return root
}

// exitError carries an exit code. A silent one has already told the user
// everything (validate's report, say) and prints nothing more.
type exitError struct {
	code   int
	err    error
	silent bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failed returns the silent error for a command that reported its own findings.
func failed() error { return &exitError{code: exitFailure, silent: true} }

// exitCode prints err for the user and returns the process exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if !ee.silent {
			fmt.Fprintln(stderr, "routemap:", ee.Error())
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "routemap:", err)
	switch routemap.ErrorCode(err) {
	case routemap.EUNAUTHORIZED:
		return exitAuthConn
	case routemap.EINVALID:
		return exitFailure
	}
	return exitFailure
}

// positional wraps a cobra argument check so that its failure is a usage error.
func positional(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := check(c, args); err != nil {
			return usageErrorf("%v (see %s --help)", err, c.CommandPath())
		}
		return nil
	}
}
