package http

// routeIngest serves Bulk API 2.0 ingest jobs under /jobs/ingest.
func (rq *request) routeIngest(seg []string) {
	rq.fail(notFound())
}
