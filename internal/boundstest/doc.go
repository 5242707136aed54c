// Package boundstest checks a filter's Bounds method against the filter's
// own decisions, for the randomized tests of sg, nacl and the firewall
// engines: cut every field a [flow.Bounds] varies into atoms, and within
// each atom picked, the filter must decide every value as it decides the
// atom's first one. It imports only flow and is used only by tests.
package boundstest
