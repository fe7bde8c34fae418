// Package bench holds the programs that measure routemap against baselines
// on the machine at hand; its commands are not part of routemap itself.
// See bench/README.md for how to run them and docs/performance.md for the
// figures.
package bench
