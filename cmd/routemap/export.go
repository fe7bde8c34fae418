package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"routemap"
	"routemap/csv"
	"routemap/sfid"
)

type exportOptions struct {
	Org        orgFlags
	CallCenter string
	Output     string
}

// exportColumns are the columns export writes and import reads back.
var exportColumns = []string{routemap.FieldExternalID, routemap.FieldReferenceRecordID, routemap.FieldCallCenterID,
	routemap.FieldDeveloperName, routemap.FieldMasterLabel, routemap.FieldQuickConnect, routemap.FieldLanguage}

func (m *Main) exportCommand() *cobra.Command {
	var o exportOptions
	c := &cobra.Command{
		Use:   "export [--call-center ID] [-o FILE]",
		Short: "Write an org's routing maps as a CSV that import reads back unchanged",
		Long: `export reads the org's CallCenterRoutingMap records (of one contact center with
--call-center) and writes them as a CSV with the columns import takes. Importing
the file again into the same org plans no changes. There is no UI for rep
mappings in Salesforce; this is how to see them, diff them and back them up.`,
		Example: `  routemap export --target prod -o maps.csv
  routemap export --target demo --call-center 04vRm0000000001IAA`,
		Args: positional(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error { return m.runExport(c.Context(), o) },
	}
	o.Org.register(c)
	c.Flags().StringVar(&o.CallCenter, "call-center", "", "only the maps of this contact center")
	c.Flags().StringVarP(&o.Output, "output", "o", "-", "file to write, - for standard output")
	return c
}

func (m *Main) runExport(ctx context.Context, o exportOptions) error {
	var center sfid.ID
	if o.CallCenter != "" {
		id, err := sfid.Parse(o.CallCenter)
		if err != nil || id.Prefix() != sfid.PrefixCallCenter {
			return usageErrorf("--call-center: %q is not a contact center id (they start with 04v)", o.CallCenter)
		}
		center = id
	}
	client, _, err := m.client(ctx, o.Org)
	if err != nil {
		return err
	}
	var w io.Writer = m.Stdout
	var fw *fixWriter
	if o.Output != "-" {
		if fw, err = newFixWriter(o.Output); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer fw.Abort()
		w = fw.tmp
	}
	enc := csv.NewEncoder(w, ',', false)
	enc.Write(exportColumns)
	n := 0
	err = client.RoutingMaps(ctx, center, func(rm routemap.RoutingMap) error {
		n++
		return enc.Write([]string{rm.ExternalID, string(rm.ReferenceRecordID), string(rm.CallCenterID), rm.DeveloperName, rm.MasterLabel, rm.QuickConnect, rm.Language})
	})
	if err != nil {
		return orgErr(fmt.Errorf("read routing maps: %w", err))
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	if fw != nil {
		fw.enc = enc
		if err := fw.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "routemap: wrote %d routing maps to %s\n", n, o.Output)
	}
	return nil
}
