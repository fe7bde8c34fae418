package http_test

import (
	"io"
	"net/http"
	"time"
)

// httpClient opens a fresh connection per request, so a burst really is
// a burst of connections.
type httpClient struct{}

func (httpClient) get(url, token string) int {
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
