package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"routemap/sfid"
)

type idOptions struct {
	JSON    bool
	FixCase bool
	IDs     []string
}

func (m *Main) idCommand() *cobra.Command {
	var o idOptions
	c := &cobra.Command{
		Use:   "id [--json] [--fix-case] [ID ...]",
		Short: "Convert and check Salesforce ids (15 and 18 characters)",
		Long: `id shows, for each Salesforce id, its 18- and 15-character forms, the object
its key prefix names, and whether it is valid. Ids come from the arguments,
or one a line from standard input. An 18-character id whose letter case was
changed by a spreadsheet is invalid; --fix-case restores the case from the
checksum suffix. Exits 1 if any id is invalid.`,
		Example: `  routemap id 005Hs00000ABcDe
  routemap id --fix-case 005HS00000ABCDEIAL
  cut -d, -f2 map.csv | tail -n +2 | routemap id --json`,
		RunE: func(c *cobra.Command, args []string) error {
			o.IDs = args
			if len(args) == 0 {
				if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return usageErrorf("give ids as arguments or one a line on standard input")
				}
				ids, err := readLines(m.Stdin)
				if err != nil {
					return fmt.Errorf("read standard input: %w", err)
				}
				o.IDs = ids
			}
			return runID(m.Stdout, o)
		},
	}
	c.Flags().BoolVar(&o.JSON, "json", false, "print a JSON array, one object per id")
	c.Flags().BoolVar(&o.FixCase, "fix-case", false, "restore the letter case of 18-character ids from their checksum")
	return c
}

// idResult is what id says of one input.
type idResult struct {
	Input        string `json:"input"`
	Valid        bool   `json:"valid"`
	ID18         string `json:"id18,omitempty"`
	ID15         string `json:"id15,omitempty"`
	KeyPrefix    string `json:"keyPrefix,omitempty"`
	Object       string `json:"object,omitempty"`
	CaseRepaired bool   `json:"caseRepaired,omitempty"`
	Error        string `json:"error,omitempty"`
}

func checkID(in string, fixCase bool) idResult {
	r := idResult{Input: in}
	s := in
	if fixCase && len(s) == 18 {
		if fixed, err := sfid.RepairCase(s); err == nil && string(fixed) != s {
			// A lower-case suffix is not a case change of the id itself.
			if fixed.Short() != s[:15] {
				r.CaseRepaired = true
			}
			s = string(fixed)
		}
	}
	id, err := sfid.Parse(s)
	if err != nil {
		r.Error = err.Error()
		var e *sfid.Error
		if errors.As(err, &e) && e.Kind == sfid.KindCase {
			r.Error += "; --fix-case repairs it"
		}
		return r
	}
	r.Valid = true
	r.ID18, r.ID15 = id.String(), id.Short()
	r.KeyPrefix, r.Object = string(id.Prefix()), id.Prefix().Object()
	return r
}

func runID(w io.Writer, o idOptions) error {
	results := make([]idResult, 0, len(o.IDs))
	invalid := 0
	for _, in := range o.IDs {
		r := checkID(in, o.FixCase)
		if !r.Valid {
			invalid++
		}
		results = append(results, r)
	}
	if o.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "INPUT\t18-CHAR\t15-CHAR\tOBJECT\tSTATUS")
		for _, r := range results {
			if !r.Valid {
				fmt.Fprintf(tw, "%s\t-\t-\t-\tinvalid: %s\n", r.Input, r.Error)
				continue
			}
			obj := r.Object
			if obj == "" {
				obj = "unknown (" + r.KeyPrefix + ")"
			}
			status := "valid"
			if r.CaseRepaired {
				status = "valid (letter case repaired)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Input, r.ID18, r.ID15, obj, status)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if invalid > 0 {
		return failed()
	}
	return nil
}

// readLines returns the non-blank lines of r, trimmed.
func readLines(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}
