// Package http is routemap's Salesforce-compatible server: the OAuth token
// endpoints, the REST API (/services/data) for CallCenterRoutingMap, User,
// CallCenter and Group with describe, SOQL query, sObject Collections and
// Bulk API 2.0 ingest, speaking Salesforce's wire format closely enough that
// jsforce and the Salesforce CLI work against it unmodified.
//
// It sits at the edge: it authenticates callers, checks their permissions,
// runs the domain rules (routemap.Draft.Check) and hands writes to a
// routemap.Store, and it alone maps routemap errors to Salesforce status
// codes and errorCode values. docs/api.md documents every endpoint.
package http
