package localconnect

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// Page sizes of the list operations.
const (
	defaultMaxResults = 100
	maxListResults    = 1000 // ListUsers, ListQuickConnects
	maxSearchResults  = 500  // SearchUsers
)

// tokenPrefix marks a next token as this server's; a token is the last id
// of the previous page, so pages stay consistent while records come and
// go.
const tokenPrefix = "lc1:"

func encodeToken(op, lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + op + ":" + lastID))
}

// decodeToken returns the id a page starts after; "" for no token.
func decodeToken(op, token string) (string, *Error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", errInvalidParameter("the NextToken is not valid")
	}
	last, ok := strings.CutPrefix(string(b), tokenPrefix+op+":")
	if !ok || last == "" {
		return "", errInvalidParameter("the NextToken is not valid for %s", op)
	}
	return last, nil
}

// parseMaxResults reads the maxResults query parameter.
func parseMaxResults(s string, present bool, max int) (int, *Error) {
	if !present {
		return defaultMaxResults, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, errInvalidParameter("maxResults must be a whole number from 1 to %d, not %q", max, s)
	}
	return n, nil
}

// pageOf returns up to max ids of sorted that come after the token's id
// and satisfy keep, and the token of the next page ("" on the last page).
func pageOf(op string, sorted []string, token string, max int, keep func(id string) bool) ([]string, string, *Error) {
	after, e := decodeToken(op, token)
	if e != nil {
		return nil, "", e
	}
	start := 0
	if after != "" {
		i, found := slices.BinarySearch(sorted, after)
		if found {
			i++
		}
		start = i
	}
	var out []string
	for i := start; i < len(sorted); i++ {
		id := sorted[i]
		if keep != nil && !keep(id) {
			continue
		}
		if len(out) == max {
			return out, encodeToken(op, out[len(out)-1]), nil
		}
		out = append(out, id)
	}
	return out, "", nil
}
