package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"routemap"
	"routemap/csv"
	"routemap/reconcile"
	"routemap/salesforce"
	"routemap/sfid"
)

type importOptions struct {
	Org         orgFlags
	File        string
	API         string
	DryRun      bool
	Results     string
	SkipInvalid bool
	Provider    string
	CallCenter  string
	Delimiter   string
	JSON        bool
	Resume      string
	Concurrency int
	Progress    string
}

// autoBulkAbove is where --api auto switches from sObject Collections to
// Bulk API 2.0, as Salesforce advises (2,000 records).
const autoBulkAbove = 2000

// maxJobBytes keeps each Bulk upload under the 100 MB Salesforce accepts.
const maxJobBytes = 90 << 20

func (m *Main) importCommand() *cobra.Command {
	var o importOptions
	c := &cobra.Command{
		Use:   "import [flags] FILE|-",
		Short: "Import a routing-map CSV into an org: validated, idempotent, resumable",
		Long: `import validates a routing-map CSV with the same rules as validate (errors stop
the run unless --skip-invalid), reads the org's maps for the file's contact
centers, and plans by DeveloperName: create what is missing, update only the
fields that differ, skip what is unchanged. A second run of the same file
changes nothing.

--api picks how: rest (one POST a record, as the help article does),
collections (200 a request), bulk (a Bulk API 2.0 job), or auto (collections
up to 2,000 changes, bulk above). --dry-run prints the plan and writes nothing.

Results go to --results DIR: success.csv, failed.csv and unprocessed.csv, each
with every input column plus sf__Id, sf__Action and sf__Error. failed.csv is
itself valid input: routemap import DIR/failed.csv retries only the failed
rows. A Bulk job interrupted on this side (Ctrl-C, network loss) keeps running
on the org; routemap import --resume JOB_ID --results DIR finishes it without
uploading again.

Exit status: 0 every row succeeded or was unchanged, 1 some rows failed or
were invalid, 2 usage, 3 the org refused the credentials or could not be
reached.`,
		Example: `  routemap import --target demo examples/routing-map.csv
  routemap import --target prod --api bulk --results out/ maps.csv
  routemap import --target prod --dry-run maps.csv
  routemap import --target prod out/failed.csv
  routemap import --target prod --resume 750Rm0000000001AAA --results out/`,
		Args: positional(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.File = args[0]
			}
			return m.runImport(c.Context(), o)
		},
	}
	f := c.Flags()
	o.Org.register(c)
	f.StringVar(&o.API, "api", "auto", "auto, rest, collections or bulk")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the plan; change nothing")
	f.StringVar(&o.Results, "results", "routemap-results", "directory for success.csv, failed.csv and unprocessed.csv")
	f.BoolVar(&o.SkipInvalid, "skip-invalid", false, "import the valid rows when some are invalid (the invalid ones go to failed.csv)")
	f.StringVar(&o.Provider, "provider", "", "telephony model (default: the contact center's, else inferred per row)")
	f.StringVar(&o.CallCenter, "call-center", "", "contact center every row must belong to")
	f.StringVar(&o.Delimiter, "delimiter", "", "column delimiter (default: detect)")
	f.BoolVar(&o.JSON, "json", false, "print a JSON summary on standard output")
	f.StringVar(&o.Resume, "resume", "", "finish an interrupted Bulk job of an earlier run (with its --results)")
	f.IntVar(&o.Concurrency, "concurrency", 4, "parallel requests with --api rest")
	f.StringVar(&o.Progress, "progress", "auto", "progress on stderr: auto (a bar on a terminal), plain, none")
	return c
}

// Outcomes of rows, as sf__Action reports them.
const (
	actInvalid     = "invalid"
	actUnprocessed = "unprocessed"
)

// planRow is what the run decided and learned about one data record.
type planRow struct {
	action  reconcile.Action // "" for an invalid row
	id      sfid.ID          // existing or new map id
	changed uint8            // bit i: reconcile.Compared[i] changes
	done    bool             // an outcome is known
	ok      bool
	errMsg  string
}

// importRun is one import.
type importRun struct {
	m       *Main
	o       importOptions
	c       *salesforce.Client
	path    string // the input, spooled to disk when it came on stdin
	opts    csv.Options
	rules   routemap.Rules
	header  *csv.Header
	rows    []planRow       // one per data record, in file order
	centers map[sfid.ID]int // valid rows a contact center
	summary reconcile.Summary
	orgMaps orgMaps
	invalid int
	jobs    []string
	jobRows map[string]int     // rows uploaded to a job, when known
	timings map[string]float64 // seconds per phase, for --json
	seed    maphash.Seed
	byName  map[uint64]int32 // DeveloperName (folded) → row, for Bulk results
}

// orgMaps says how much of the org the plan read: the maps the file's
// contact centers hold and those read to plan.
type orgMaps struct {
	Held int `json:"held"`
	Read int `json:"read"`
}

// importState is what --resume needs, saved in the results directory.
type importState struct {
	File   string   `json:"file"`
	Target string   `json:"target"`
	Jobs   []string `json:"jobs"`
	Delim  string   `json:"delimiter,omitempty"`
}

func (m *Main) runImport(ctx context.Context, o importOptions) error {
	switch o.API {
	case "auto", "rest", "collections", "bulk":
	default:
		return usageErrorf("--api must be auto, rest, collections or bulk, not %q", o.API)
	}
	if o.Resume == "" && o.File == "" {
		return usageErrorf("give a FILE (or - for standard input), or --resume JOB_ID")
	}
	r := &importRun{m: m, o: o, centers: map[sfid.ID]int{}, seed: maphash.MakeSeed(), timings: map[string]float64{}}
	phase := time.Now()
	lap := func(name string) {
		r.timings[name] = time.Since(phase).Seconds()
		phase = time.Now()
	}
	var err error
	if r.rules, err = validateRules(o.Provider, o.CallCenter, ""); err != nil {
		return err
	}
	if o.Delimiter != "" {
		if r.opts.Delimiter, err = csv.ParseDelimiter(o.Delimiter); err != nil {
			return usageErrorf("--delimiter: %v", err)
		}
	}
	c, target, err := m.client(ctx, o.Org)
	if err != nil {
		return err
	}
	r.c = c
	if o.Resume != "" {
		return r.resume(ctx, target)
	}
	cleanup, err := r.openInput()
	if err != nil {
		return err
	}
	defer cleanup()
	if err := r.centerRules(ctx); err != nil {
		return orgErr(err)
	}
	if err := r.validate(); err != nil {
		return err
	}
	lap("validate")
	if r.invalid > 0 && !o.SkipInvalid {
		fmt.Fprintf(m.Stderr, "routemap: %d of %d rows have errors; fix them (routemap validate --fix helps) or import the rest with --skip-invalid\n", r.invalid, len(r.rows))
		return failed()
	}
	if err := r.plan(ctx); err != nil {
		return orgErr(err)
	}
	lap("plan")
	api := o.API
	if api == "auto" {
		api = "collections"
		if r.summary.Changes() > autoBulkAbove {
			api = "bulk"
		}
	}
	if o.DryRun {
		return r.printPlan(api)
	}
	if err := os.MkdirAll(o.Results, 0o755); err != nil {
		return err
	}
	var runErr error
	switch api {
	case "rest":
		runErr = r.writeREST(ctx)
	case "collections":
		runErr = r.writeCollections(ctx)
	case "bulk":
		runErr = r.writeBulk(ctx, target)
	}
	if runErr != nil && !errors.Is(runErr, errInterrupted) {
		// Rows not done are reported as unprocessed in the results.
		fmt.Fprintf(m.Stderr, "routemap: import stopped: %v\n", runErr)
	}
	lap("write")
	if err := r.writeResults(); err != nil {
		return err
	}
	lap("results")
	return r.finish(api, runErr)
}

// openInput makes the input a file that can be read several times.
func (r *importRun) openInput() (func(), error) {
	if r.o.File != "-" {
		if _, err := os.Stat(r.o.File); err != nil {
			return nil, &exitError{code: exitUsage, err: err}
		}
		r.path = r.o.File
		return func() {}, nil
	}
	f, err := os.CreateTemp("", "routemap-import-*.csv")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, r.m.Stdin); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	f.Close()
	r.path = f.Name()
	return func() { os.Remove(f.Name()) }, nil
}

// centerRules reads the provider and Amazon Connect instance of the file's
// contact center from the org, when the file has one and --provider is
// not given, so that rows are judged by their contact center's telephony.
// An org that does not store them (a real Salesforce org) leaves the
// rules inferred per row.
func (r *importRun) centerRules(ctx context.Context) error {
	if r.o.Provider != "" {
		return nil
	}
	centers := map[string]bool{}
	f, err := os.Open(r.path)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	defer f.Close()
	d := csv.NewDecoder(f, r.opts)
	h, err := d.Header()
	if err != nil || !h.Has(routemap.FieldCallCenterID) {
		return nil // validate reports it
	}
	col := h.Index(routemap.FieldCallCenterID)
	for len(centers) < 2 {
		rec, err := d.Next()
		if err == io.EOF {
			break
		}
		if err == nil && col < len(rec.Fields) {
			centers[strings.TrimSpace(rec.Fields[col])] = true
		}
	}
	if len(centers) != 1 {
		return nil
	}
	for raw := range centers {
		id, err := sfid.Parse(raw)
		if err != nil || id.Prefix() != sfid.PrefixCallCenter {
			return nil
		}
		cc, err := r.c.CallCenter(ctx, id)
		if routemap.ErrorCode(err) == routemap.ENOTFOUND {
			return nil // the rows will fail on it, with the reason
		}
		if err != nil {
			return fmt.Errorf("read contact center %s: %w", id, err)
		}
		if cc.Provider != "" {
			rules := cc.Rules()
			rules.CallCenterID = r.rules.CallCenterID
			r.rules = rules
		}
	}
	return nil
}

// validate runs the validate rules over the file, printing findings on
// stderr, and records each row.
func (r *importRun) validate() error {
	f, err := os.Open(r.path)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	defer f.Close()
	name := r.o.File
	if name == "-" {
		name = "<stdin>"
	}
	out := bufio.NewWriter(r.m.Stderr)
	defer out.Flush()
	rep := newReporter(out, "text", name)
	opts := r.opts
	if st, err := f.Stat(); err == nil {
		opts.SizeHint = st.Size()
	}
	v := csv.Validator{Options: opts, Rules: r.rules}
	headerBad := false
	v.OnHeader = func(h *csv.Header, fs []csv.Finding) error {
		r.header = h
		for _, f := range fs {
			rep.Finding(f)
			if f.Severity == routemap.SeverityError {
				headerBad = true
			}
		}
		return nil
	}
	v.OnRow = func(row *csv.Row) error {
		for _, f := range row.Findings {
			rep.Finding(f)
		}
		if row.Findings != nil && len(row.Findings) > 0 && row.Findings[0].Code == csv.CodeNoRows {
			return nil
		}
		pr := planRow{}
		if row.Checked == nil || !row.OK() {
			pr.errMsg = firstError(row.Findings)
			r.invalid++
		} else {
			r.centers[row.Checked.Map.CallCenterID]++
		}
		r.rows = append(r.rows, pr)
		return nil
	}
	sum, err := v.Run(f)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("read %s: %w", name, err)}
	}
	if r.header == nil || headerBad || !sum.Complete {
		rep.Summary(sum, "")
		return failed()
	}
	return nil
}

func firstError(fs []csv.Finding) string {
	for _, f := range fs {
		if f.Severity == routemap.SeverityError {
			return f.Code + ":" + f.Message
		}
	}
	return "invalid row"
}

// each reads the file again, calling fn with every data record's index
// and, for rows that passed validation, its checked map.
func (r *importRun) each(fn func(i int, fields []string, m *routemap.RoutingMap) error) error {
	f, err := os.Open(r.path)
	if err != nil {
		return err
	}
	defer f.Close()
	d := csv.NewDecoder(f, r.opts)
	h, err := d.Header()
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		rec, err := d.Next()
		if err == io.EOF {
			return nil
		}
		var e *csv.Error
		if err != nil && !errors.As(err, &e) {
			return err
		}
		if e != nil && e.Code == csv.CodeNoRows {
			return nil
		}
		if i >= len(r.rows) {
			return fmt.Errorf("%s changed while it was being imported", r.path)
		}
		var m *routemap.RoutingMap
		if r.rows[i].errMsg == "" && e == nil {
			ch := h.Draft(rec.Fields).Check(r.rules)
			m = &ch.Map
		}
		if err := fn(i, rec.Fields, m); err != nil {
			return err
		}
	}
}

// plan reads the org's maps for the file's contact centers and decides,
// row by row, what to do. For each contact center it first counts the
// maps the org holds, then takes whichever read costs fewer requests: all
// of them, a page of 2,000 at a time, or only those the file names,
// salesforce.NamedLookupSize a query. A small file against a large org
// thus reads a few pages instead of every map, and an empty contact
// center costs one request.
func (r *importRun) plan(ctx context.Context) error {
	idx := reconcile.NewIndex()
	idx.Compare = map[string]bool{}
	for _, f := range reconcile.Compared {
		idx.Compare[f] = r.header.Has(f)
	}
	add := func(m routemap.RoutingMap) error {
		idx.Add(&m)
		r.orgMaps.Read++
		return nil
	}
	named := map[sfid.ID]bool{}
	for center, rows := range r.centers {
		n, err := r.c.CountRoutingMaps(ctx, center)
		if err != nil {
			return fmt.Errorf("count the org's routing maps: %w", err)
		}
		r.orgMaps.Held += n
		if n == 0 {
			continue
		}
		if ceilDiv(rows, salesforce.NamedLookupSize) < ceilDiv(n, queryPageSize) {
			named[center] = true
			continue
		}
		if err := r.c.RoutingMaps(ctx, center, add); err != nil {
			return fmt.Errorf("read the org's routing maps: %w", err)
		}
	}
	// Rows of contact centers read by name wait in batches until their
	// maps are in the index.
	type waiting struct {
		i int
		m routemap.RoutingMap
	}
	batches := map[sfid.ID][]waiting{}
	lookup := func(center sfid.ID) error {
		b := batches[center]
		names := make([]string, len(b))
		for k := range b {
			names[k] = b[k].m.DeveloperName
		}
		if err := r.c.RoutingMapsNamed(ctx, center, names, add); err != nil {
			return fmt.Errorf("read the org's routing maps: %w", err)
		}
		for k := range b {
			r.planRow(idx, b[k].i, &b[k].m)
		}
		batches[center] = b[:0]
		return nil
	}
	err := r.each(func(i int, _ []string, m *routemap.RoutingMap) error {
		switch {
		case m == nil:
			return nil
		case named[m.CallCenterID]:
			batches[m.CallCenterID] = append(batches[m.CallCenterID], waiting{i, *m})
			if len(batches[m.CallCenterID]) == salesforce.NamedLookupSize {
				return lookup(m.CallCenterID)
			}
		default:
			r.planRow(idx, i, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for center, b := range batches {
		if len(b) > 0 {
			if err := lookup(center); err != nil {
				return err
			}
		}
	}
	return nil
}

// queryPageSize is the records a page of a SOQL answer holds by default.
const queryPageSize = 2000

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// planRow plans data record i, map m, against what idx holds.
func (r *importRun) planRow(idx *reconcile.Index, i int, m *routemap.RoutingMap) {
	it := idx.Plan(m)
	pr := &r.rows[i]
	pr.action, pr.id = it.Action, it.ID
	for k, f := range reconcile.Compared {
		for _, c := range it.Changed {
			if c == f {
				pr.changed |= 1 << k
			}
		}
	}
	if it.Action == reconcile.Unchanged {
		pr.done, pr.ok = true, true
	}
	r.summary.Add(it)
}

func (r *importRun) printPlan(api string) error {
	if r.o.JSON {
		return printJSON(r.m.Stdout, map[string]any{"file": r.o.File, "dry_run": true, "api": api, "rows": len(r.rows),
			"invalid": r.invalid, "plan": r.summary, "org_maps": r.orgMaps})
	}
	w := bufio.NewWriter(r.m.Stdout)
	defer w.Flush()
	err := r.each(func(i int, _ []string, m *routemap.RoutingMap) error {
		pr := r.rows[i]
		switch pr.action {
		case reconcile.Create:
			fmt.Fprintf(w, "create  %s\n", m.DeveloperName)
		case reconcile.Update:
			fmt.Fprintf(w, "update  %s %s: %s\n", m.DeveloperName, pr.id, strings.Join(changedNames(pr.changed), ", "))
		}
		return nil
	})
	fmt.Fprintf(w, "plan: %d to create, %d to update, %d unchanged, %d invalid (api %s); nothing was written\n",
		r.summary.Create, r.summary.Update, r.summary.Unchanged, r.invalid, api)
	return err
}

func changedNames(mask uint8) []string {
	var out []string
	for k, f := range reconcile.Compared {
		if mask&(1<<k) != 0 {
			out = append(out, f)
		}
	}
	return out
}

// writeFields returns what to send for a row: every field for a create,
// the changed ones for an update (nil clears).
func writeFields(m *routemap.RoutingMap, pr planRow) map[string]any {
	if pr.action == reconcile.Create {
		return salesforce.RoutingMapFields(m)
	}
	all := map[string]string{
		routemap.FieldExternalID: m.ExternalID, routemap.FieldReferenceRecordID: string(m.ReferenceRecordID),
		routemap.FieldCallCenterID: string(m.CallCenterID), routemap.FieldMasterLabel: m.MasterLabel,
		routemap.FieldQuickConnect: m.QuickConnect, routemap.FieldLanguage: m.Language,
	}
	out := map[string]any{}
	for _, f := range changedNames(pr.changed) {
		if v := all[f]; v != "" {
			out[f] = v
		} else {
			out[f] = nil
		}
	}
	return out
}

func (r *importRun) record(i int, res salesforce.Result) {
	pr := &r.rows[i]
	pr.done, pr.ok = true, res.Success
	// Results may be cut from a large buffer (a whole result record);
	// clones keep only the bytes a row needs alive.
	if res.ID != "" {
		if id, err := sfid.Parse(res.ID); err == nil {
			pr.id = sfid.ID(strings.Clone(string(id)))
		}
	}
	if res.Err != nil {
		pr.errMsg = strings.Clone(errText(res.Err))
	}
}

func errText(err error) string {
	var e *routemap.Error
	if errors.As(err, &e) && e.Reason != "" {
		return e.Reason + ":" + e.Message
	}
	return err.Error()
}

// errInterrupted marks a run stopped by the user or a lost connection.
var errInterrupted = errors.New("interrupted")

func (r *importRun) writeREST(ctx context.Context) error {
	p := newProgress(r.m.Stderr, r.o.Progress, "import (rest)", int64(r.summary.Changes()))
	defer p.Done()
	type job struct {
		i      int
		fields map[string]any
		pr     planRow
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var fatal error
	for w := 0; w < max(1, r.o.Concurrency); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var res salesforce.Result
				var err error
				if j.pr.action == reconcile.Create {
					res.ID, err = r.c.Create(ctx, routemap.ObjectRoutingMap, j.fields)
				} else {
					res.ID = string(j.pr.id)
					err = r.c.Update(ctx, routemap.ObjectRoutingMap, string(j.pr.id), j.fields)
				}
				mu.Lock()
				if err != nil && (ctx.Err() != nil || routemap.ErrorCode(err) == routemap.EUNAUTHORIZED || isConnErr(err)) {
					if fatal == nil {
						fatal = err
					}
				} else {
					res.Success, res.Err, res.Created = err == nil, err, j.pr.action == reconcile.Create
					r.record(j.i, res)
				}
				mu.Unlock()
				p.Add(1)
			}
		}()
	}
	err := r.each(func(i int, _ []string, m *routemap.RoutingMap) error {
		pr := r.rows[i]
		if m == nil || (pr.action != reconcile.Create && pr.action != reconcile.Update) {
			return nil
		}
		mu.Lock()
		stop := fatal
		mu.Unlock()
		if stop != nil {
			return stop
		}
		select {
		case jobs <- job{i: i, fields: writeFields(m, pr), pr: pr}:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	close(jobs)
	wg.Wait()
	if err == nil {
		err = fatal
	}
	return err
}

func (r *importRun) writeCollections(ctx context.Context) error {
	p := newProgress(r.m.Stderr, r.o.Progress, "import (collections)", int64(r.summary.Changes()))
	defer p.Done()
	var creates, updates []map[string]any
	var createRows, updateRows []int
	flush := func(records []map[string]any, rows []int, update bool) error {
		if len(records) == 0 {
			return nil
		}
		var res []salesforce.Result
		var err error
		if update {
			res, err = r.c.UpdateMany(ctx, routemap.ObjectRoutingMap, records, false)
		} else {
			res, err = r.c.CreateMany(ctx, routemap.ObjectRoutingMap, records, false)
		}
		for k, x := range res {
			r.record(rows[k], x)
		}
		p.Add(int64(len(res)))
		return err
	}
	err := r.each(func(i int, _ []string, m *routemap.RoutingMap) error {
		pr := r.rows[i]
		switch {
		case m == nil:
		case pr.action == reconcile.Create:
			creates, createRows = append(creates, writeFields(m, pr)), append(createRows, i)
			if len(creates) == salesforce.CollectionSize {
				err := flush(creates, createRows, false)
				creates, createRows = creates[:0], createRows[:0]
				return err
			}
		case pr.action == reconcile.Update:
			f := writeFields(m, pr)
			f["Id"] = string(pr.id)
			updates, updateRows = append(updates, f), append(updateRows, i)
			if len(updates) == salesforce.CollectionSize {
				err := flush(updates, updateRows, true)
				updates, updateRows = updates[:0], updateRows[:0]
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = flush(creates, createRows, false)
	}
	if err == nil {
		err = flush(updates, updateRows, true)
	}
	return err
}

// bulkColumns are the columns of the upsert files: Id keys the upsert, a
// blank Id inserts; DeveloperName correlates the results.
var bulkColumns = []string{"Id", routemap.FieldDeveloperName, routemap.FieldExternalID, routemap.FieldReferenceRecordID,
	routemap.FieldCallCenterID, routemap.FieldMasterLabel, routemap.FieldQuickConnect, routemap.FieldLanguage}

func (r *importRun) nameKey(name string) uint64 { return maphash.String(r.seed, strings.ToLower(name)) }

// writeBulk uploads the changes as Bulk API 2.0 upsert jobs on Id (each
// under 90 MB), waits for them and reads their results.
func (r *importRun) writeBulk(ctx context.Context, target string) error {
	r.byName = make(map[uint64]int32, r.summary.Changes())
	var files []string
	var rows []int // data rows in each file
	defer func() {
		for _, f := range files {
			os.Remove(f)
		}
	}()
	var cur *os.File
	var enc *csv.Encoder
	var size int64
	counter := &countWriter{}
	open := func() error {
		f, err := os.CreateTemp(r.o.Results, ".upload-*.csv")
		if err != nil {
			return err
		}
		cur, files, rows = f, append(files, f.Name()), append(rows, 0)
		counter.w, counter.n = f, 0
		enc = csv.NewEncoder(counter, ',', false)
		return enc.Write(bulkColumns)
	}
	closeCur := func() error {
		if cur == nil {
			return nil
		}
		err := enc.Flush()
		if cerr := cur.Close(); err == nil {
			err = cerr
		}
		cur = nil
		return err
	}
	err := r.each(func(i int, _ []string, m *routemap.RoutingMap) error {
		pr := r.rows[i]
		if m == nil || (pr.action != reconcile.Create && pr.action != reconcile.Update) {
			return nil
		}
		if cur == nil || size > maxJobBytes {
			if err := closeCur(); err != nil {
				return err
			}
			if err := open(); err != nil {
				return err
			}
			size = 0
		}
		r.byName[r.nameKey(m.DeveloperName)] = int32(i)
		row := []string{"", m.DeveloperName, "", "", "", "", "", ""}
		values := []string{m.ExternalID, string(m.ReferenceRecordID), string(m.CallCenterID), m.MasterLabel, m.QuickConnect, m.Language}
		if pr.action == reconcile.Create {
			copy(row[2:], values)
		} else {
			row[0] = string(pr.id)
			for k := range reconcile.Compared {
				if pr.changed&(1<<k) != 0 {
					if values[k] == "" {
						row[2+k] = "#N/A" // clears the field
					} else {
						row[2+k] = values[k]
					}
				}
			}
		}
		if err := enc.Write(row); err != nil {
			return err
		}
		rows[len(rows)-1]++
		enc.Flush()
		size = counter.n
		return nil
	})
	if err == nil {
		err = closeCur()
	}
	if err != nil {
		return err
	}
	state := importState{File: mustAbs(r.path), Target: target}
	if r.o.File == "-" {
		state.File = "" // stdin cannot be read again
	}
	for n, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		job, err := r.c.SubmitJob(ctx, salesforce.JobRequest{Object: routemap.ObjectRoutingMap, Operation: salesforce.OperationUpsert,
			ExternalIDFieldName: "Id", ColumnDelimiter: "COMMA", LineEnding: "LF"}, f)
		f.Close()
		if err != nil {
			return orgErr(fmt.Errorf("submit bulk job %d of %d: %w", n+1, len(files), err))
		}
		r.jobs = append(r.jobs, job.ID)
		if r.jobRows == nil {
			r.jobRows = map[string]int{}
		}
		r.jobRows[job.ID] = rows[n]
		state.Jobs = r.jobs
		if err := r.saveState(state); err != nil {
			return err
		}
		fmt.Fprintf(r.m.Stderr, "routemap: bulk job %s submitted (%d of %d)\n", job.ID, n+1, len(files))
	}
	return r.waitJobs(ctx)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

const stateFile = ".routemap-import.json"
const planFile = ".routemap-plan"

// saveState records the jobs and the plan, so that --resume can finish.
func (r *importRun) saveState(s importState) error {
	if err := writeSecretJSON(filepath.Join(r.o.Results, stateFile), s); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(r.o.Results, planFile))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, pr := range r.rows {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", pr.action, pr.id, pr.changed, strings.ReplaceAll(pr.errMsg, "\n", " "))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// waitJobs waits for the run's Bulk jobs and joins their results to the
// rows by DeveloperName.
func (r *importRun) waitJobs(ctx context.Context) error {
	for _, id := range r.jobs {
		p := newProgress(r.m.Stderr, r.o.Progress, "bulk job "+id, int64(r.jobRows[id]))
		// Poll soon and then less often, landing on the job's estimated
		// end: small jobs finish in seconds, large ones in minutes, and
		// every poll is an API request.
		job, err := r.c.WaitJob(ctx, id, salesforce.WaitOptions{Interval: 250 * time.Millisecond, Growth: 1.5, MaxInterval: 10 * time.Second,
			Records: r.jobRows[id], Progress: func(j *salesforce.Job) { p.Set(int64(j.NumberRecordsProcessed)) }})
		p.Done()
		if err != nil {
			if ctx.Err() != nil || isConnErr(err) {
				fmt.Fprintf(r.m.Stderr, "routemap: stopped waiting; the job keeps running on the org. Finish with:\n  routemap import --resume %s --results %s\n", id, r.o.Results)
				if ctx.Err() != nil {
					return errInterrupted
				}
				return authError(err)
			}
			return orgErr(err)
		}
		if job.State == salesforce.JobFailed || job.State == salesforce.JobAborted {
			fmt.Fprintf(r.m.Stderr, "routemap: bulk job %s ended %s: %s\n", id, job.State, job.ErrorMessage)
		}
		if err := r.readResults(ctx, id); err != nil {
			return orgErr(err)
		}
	}
	return nil
}

func (r *importRun) readResults(ctx context.Context, id string) error {
	read := func(open func(context.Context, string) (io.ReadCloser, error), fn func(rec []string, col map[string]int)) error {
		rc, err := open(ctx, id)
		if err != nil {
			return err
		}
		defer rc.Close()
		d := csv.NewDecoder(rc, csv.Options{Delimiter: ','})
		h, err := d.Header()
		if err != nil {
			var e *csv.Error
			if errors.As(err, &e) && e.Code == csv.CodeEmpty {
				return nil
			}
			return err
		}
		col := map[string]int{}
		for i, c := range h.Names() {
			col[strings.Trim(c, `"`)] = i
		}
		for {
			rec, err := d.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				continue
			}
			fn(rec.Fields, col)
		}
	}
	row := func(rec []string, col map[string]int) (int, bool) {
		k, ok := col[routemap.FieldDeveloperName]
		if !ok || k >= len(rec) {
			return 0, false
		}
		i, ok := r.byName[r.nameKey(rec[k])]
		return int(i), ok
	}
	get := func(rec []string, col map[string]int, name string) string {
		if k, ok := col[name]; ok && k < len(rec) {
			return rec[k]
		}
		return ""
	}
	if err := read(r.c.SuccessfulResults, func(rec []string, col map[string]int) {
		if i, ok := row(rec, col); ok {
			r.record(i, salesforce.Result{ID: get(rec, col, "sf__Id"), Success: true, Created: get(rec, col, "sf__Created") == "true"})
		}
	}); err != nil {
		return err
	}
	if err := read(r.c.FailedResults, func(rec []string, col map[string]int) {
		if i, ok := row(rec, col); ok {
			r.record(i, salesforce.Result{ID: get(rec, col, "sf__Id"), Err: salesforce.ParseBulkError(get(rec, col, "sf__Error"))})
		}
	}); err != nil {
		return err
	}
	return nil
}

// resume finishes the Bulk jobs of an earlier run from its saved state.
func (r *importRun) resume(ctx context.Context, target string) error {
	data, err := os.ReadFile(filepath.Join(r.o.Results, stateFile))
	if err != nil {
		return usageErrorf("--resume: no saved import in %s (give the --results of the interrupted run): %v", r.o.Results, err)
	}
	var s importState
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("read %s: %w", stateFile, err)
	}
	found := false
	for _, id := range s.Jobs {
		found = found || id == r.o.Resume
	}
	if !found {
		return usageErrorf("--resume: job %s is not one of the run saved in %s (%s)", r.o.Resume, r.o.Results, strings.Join(s.Jobs, ", "))
	}
	if s.File == "" {
		return usageErrorf("--resume: the interrupted run read standard input, which cannot be read again; its results are in the org's job %s", r.o.Resume)
	}
	r.path, r.o.File, r.jobs = s.File, s.File, s.Jobs
	f, err := os.Open(filepath.Join(r.o.Results, planFile))
	if err != nil {
		return fmt.Errorf("read the saved plan: %w", err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 4)
		if len(parts) != 4 {
			f.Close()
			return fmt.Errorf("the saved plan is damaged")
		}
		changed, _ := strconv.Atoi(parts[2])
		pr := planRow{action: reconcile.Action(parts[0]), id: sfid.ID(parts[1]), changed: uint8(changed), errMsg: parts[3]}
		switch pr.action {
		case reconcile.Unchanged:
			pr.done, pr.ok = true, true
		case "":
			r.invalid++
		}
		r.summary.Add(reconcile.Item{Action: pr.action})
		r.rows = append(r.rows, pr)
	}
	f.Close()
	// Rebuild the DeveloperName index from the file.
	hf, err := os.Open(r.path)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	d := csv.NewDecoder(hf, r.opts)
	h, err := d.Header()
	hf.Close()
	if err != nil {
		return err
	}
	r.header = h
	r.byName = map[uint64]int32{}
	if err := r.each(func(i int, fields []string, m *routemap.RoutingMap) error {
		if m != nil {
			r.byName[r.nameKey(m.DeveloperName)] = int32(i)
		}
		return nil
	}); err != nil {
		return err
	}
	runErr := r.waitJobs(ctx)
	if err := r.writeResults(); err != nil {
		return err
	}
	return r.finish("bulk", runErr)
}

// writeResults writes success.csv, failed.csv and unprocessed.csv: every
// input column (earlier sf__ columns dropped) plus sf__Id, sf__Action and
// sf__Error, each file written whole or not at all.
func (r *importRun) writeResults() error {
	names := r.header.Names()
	var keep []int
	var header []string
	for i, n := range names {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(n)), "sf__") {
			keep = append(keep, i)
			header = append(header, n)
		}
	}
	header = append(header, "sf__Id", "sf__Action", "sf__Error")
	type out struct {
		name string
		fw   *fixWriter
		enc  *csv.Encoder
	}
	files := map[string]*out{}
	for _, name := range []string{"success.csv", "failed.csv", "unprocessed.csv"} {
		fw, err := newFixWriter(filepath.Join(r.o.Results, name))
		if err != nil {
			return err
		}
		defer fw.Abort()
		enc := csv.NewEncoder(fw.tmp, r.header.Delimiter, r.header.CRLF)
		if r.header.BOM {
			enc.WriteBOM()
		}
		enc.Write(header)
		files[name] = &out{name: name, fw: fw, enc: enc}
	}
	err := r.each(func(i int, fields []string, _ *routemap.RoutingMap) error {
		pr := r.rows[i]
		rec := make([]string, 0, len(header))
		for _, k := range keep {
			if k < len(fields) {
				rec = append(rec, fields[k])
			} else {
				rec = append(rec, "")
			}
		}
		action := string(pr.action)
		var dest string
		switch {
		case pr.action == "":
			dest, action = "failed.csv", actInvalid
		case !pr.done:
			dest, action = "unprocessed.csv", actUnprocessed
		case pr.ok:
			dest = "success.csv"
		default:
			dest = "failed.csv"
		}
		id := string(pr.id)
		return files[dest].enc.Write(append(rec, id, action, pr.errMsg))
	})
	if err != nil {
		return err
	}
	for _, o := range files {
		if err := o.enc.Flush(); err != nil {
			return err
		}
		o.fw.enc = o.enc
		if err := o.fw.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// finish prints the summary and returns the exit status.
func (r *importRun) finish(api string, runErr error) error {
	var ok, bad, unprocessed int
	var created, updated int
	for _, pr := range r.rows {
		switch {
		case pr.action == "":
			bad++
		case !pr.done:
			unprocessed++
		case pr.ok:
			ok++
			switch pr.action {
			case reconcile.Create:
				created++
			case reconcile.Update:
				updated++
			}
		default:
			bad++
		}
	}
	if r.jobs == nil {
		r.jobs = []string{}
	}
	if r.o.JSON {
		printJSON(r.m.Stdout, map[string]any{"file": r.o.File, "api": api, "rows": len(r.rows), "invalid": r.invalid,
			"plan": r.summary, "org_maps": r.orgMaps, "succeeded": ok, "created": created, "updated": updated, "failed": bad, "unprocessed": unprocessed,
			"jobs": r.jobs, "results": r.o.Results, "seconds": r.timings})
	}
	fmt.Fprintf(r.m.Stderr, "routemap: %d rows: %d created, %d updated, %d unchanged, %d failed, %d unprocessed (api %s); results in %s\n",
		len(r.rows), created, updated, r.summary.Unchanged, bad, unprocessed, api, r.o.Results)
	switch {
	case errors.Is(runErr, errInterrupted):
		return &exitError{code: exitFailure, silent: true}
	case runErr != nil:
		return orgErr(runErr)
	case bad > 0 || unprocessed > 0:
		return failed()
	}
	return nil
}
