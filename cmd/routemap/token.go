package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"routemap"
	rmhttp "routemap/http"
)

func (m *Main) tokenCommand() *cobra.Command {
	var data, username, instanceURL string
	var ttl time.Duration
	var asJSON bool
	c := &cobra.Command{
		Use:   "token --data DIR --username U",
		Short: "Print a fresh access token for a user of a data directory",
		Long: `token mints an access token straight in the store, for scripts and first
logins: no password, OAuth client or running server needed. The token works
against any server over the same data directory until it expires.`,
		Example: `  export SF_ACCESS_TOKEN=$(routemap token --data routemap-data --username admin@demo.routemap.test)`,
		Args:    positional(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if username == "" {
				return usageErrorf("--username is required")
			}
			return withStore(data, func(ctx context.Context, s routemap.Store) error {
				u, err := s.FindUserByUsername(ctx, username)
				if err != nil {
					return fmt.Errorf("user %s: %w", username, err)
				}
				if !u.IsActive {
					return fmt.Errorf("user %s is inactive", username)
				}
				srv := rmhttp.NewServer(s)
				srv.TokenTTL = ttl
				srv.BaseURL = instanceURL
				tok, err := srv.IssueToken(ctx, u, "")
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(m.Stdout, tok)
				}
				_, err = fmt.Fprintln(m.Stdout, tok.AccessToken)
				return err
			})(c, args)
		},
	}
	c.Flags().StringVar(&data, "data", "routemap-data", "data directory of the store")
	c.Flags().StringVar(&username, "username", "", "user to issue the token to (required)")
	c.Flags().DurationVar(&ttl, "ttl", rmhttp.DefaultTokenTTL, "token lifetime")
	c.Flags().StringVar(&instanceURL, "instance-url", "http://127.0.0.1:8080", "instance URL to put in --json output")
	c.Flags().BoolVar(&asJSON, "json", false, "print the whole token response as JSON")
	return c
}
