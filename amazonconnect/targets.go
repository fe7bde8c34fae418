package amazonconnect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"routemap"
)

// quickConnectTargets returns the user each USER quick connect targets,
// by quick connect id. A cached answer serves when the quick connect's
// LastModifiedTime is the one it was cached under; the others are read
// with DescribeQuickConnect. The cache is rewritten with exactly the
// quick connects listed now (deleted ones drop out), and also after a
// failure, so a long run that fails keeps the answers it paid for.
func (d *Directory) quickConnectTargets(ctx context.Context, qcs []quickConnect) (map[string]cacheEntry, error) {
	cached := d.loadCache()
	targets := make(map[string]cacheEntry, len(qcs))
	var misses []quickConnect
	for _, q := range qcs {
		if e, ok := cached[q.ID]; ok && !q.Modified.IsZero() && e.LastModifiedTime.Equal(q.Modified) {
			targets[q.ID] = e
		} else {
			misses = append(misses, q)
		}
	}
	described, err := d.describeAll(ctx, misses)
	for id, e := range described {
		targets[id] = e
	}
	d.storeCache(targets)
	if err != nil {
		return nil, err
	}
	return targets, nil
}

// describeAll runs DescribeQuickConnect for each quick connect on a few
// workers, stopping at the first error. It returns what it learned either
// way.
func (d *Directory) describeAll(ctx context.Context, qcs []quickConnect) (map[string]cacheEntry, error) {
	out := make(map[string]cacheEntry, len(qcs))
	if len(qcs) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	jobs := make(chan quickConnect)
	for range min(describeWorkers, len(qcs)) {
		wg.Go(func() {
			for q := range jobs {
				e, ok, err := d.describe(ctx, q)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				} else if ok {
					out[q.ID] = e
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, q := range qcs {
		select {
		case jobs <- q:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return out, firstErr
}

// describe reads one quick connect. ok is false when it vanished between
// the listing and now, which is not an error: it drops out.
func (d *Directory) describe(ctx context.Context, q quickConnect) (e cacheEntry, ok bool, err error) {
	out, err := d.client.DescribeQuickConnect(ctx, &connect.DescribeQuickConnectInput{
		InstanceId:     aws.String(d.instance.InstanceID),
		QuickConnectId: aws.String(q.ID),
	})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		d.logger.Debug("quick connect deleted while listing", slog.String("quick_connect_id", q.ID))
		return cacheEntry{}, false, nil
	} else if err != nil {
		return cacheEntry{}, false, d.apiError(ctx, "DescribeQuickConnect", err)
	}
	e = cacheEntry{LastModifiedTime: q.Modified}
	if qc := out.QuickConnect; qc != nil && qc.QuickConnectConfig != nil && qc.QuickConnectConfig.UserConfig != nil {
		e.UserID = aws.ToString(qc.QuickConnectConfig.UserConfig.UserId)
	}
	return e, true, nil
}

// join attaches to each agent the USER quick connect that targets it and
// returns the agents sorted by username, with warnings about quick
// connects it could not attach cleanly. qcs is sorted by id, so the first
// quick connect seen for an agent is the lowest id.
func join(instanceARN string, agents []routemap.Agent, qcs []quickConnect, targets map[string]cacheEntry) ([]routemap.Agent, []string) {
	index := make(map[string]int, len(agents))
	for i, a := range agents {
		index[a.ID] = i
	}
	var warnings []string
	byAgent := map[string][]quickConnect{}
	for _, q := range qcs {
		t, ok := targets[q.ID]
		if !ok {
			continue
		}
		if t.UserID == "" {
			warnings = append(warnings, fmt.Sprintf("USER quick connect %q (%s) names no user", q.Name, q.ID))
			continue
		}
		i, ok := index[t.UserID]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("USER quick connect %q (%s) targets user %s, who is not in instance %s",
				q.Name, q.ID, t.UserID, instanceARN))
			continue
		}
		byAgent[t.UserID] = append(byAgent[t.UserID], q)
		if len(byAgent[t.UserID]) == 1 {
			agents[i].QuickConnectID, agents[i].QuickConnectARN = q.ID, q.ARN
		}
	}
	for userID, list := range byAgent {
		if len(list) < 2 {
			continue
		}
		ids := make([]string, len(list))
		for i, q := range list {
			ids[i] = q.ID
		}
		warnings = append(warnings, fmt.Sprintf("agent %s (%s) is the target of %d USER quick connects (%s); using %s, the lowest id",
			agents[index[userID]].Username, userID, len(list), strings.Join(ids, ", "), list[0].ID))
	}
	slices.SortFunc(agents, func(a, b routemap.Agent) int {
		if c := strings.Compare(a.Username, b.Username); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	slices.Sort(warnings)
	return agents, warnings
}
