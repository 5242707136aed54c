package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/reach"
)

// TestLoadEgressOnlySubnetClosedToInternet: in the gateway dump
// (testdata/gateways) vpc-0g has internet gateway igw-0g and egress-only
// internet gateway eigw-0g, and subnet-0app's route table sends ::/0 to
// eigw-0g: AWS's way to keep the internet from opening IPv6 connections
// to app while app reaches the internet
// (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway-basics.html).
// The internet's request comes in through igw-0g; its reply, routed to
// eigw-0g, which did not carry the connection out, is dropped there.
// app's own connection out works.
func TestLoadEgressOnlySubnetClosedToInternet(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		want           reach.Outcome
	}{
		{"the internet to app", "2001:db8:ff::7", "2001:db8:30:1::10", reach.Unreachable},
		{"app to the internet", "app", "2001:db8:ff::7", reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := v6Check(t, nil, tc.from, tc.to)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Unreachable {
				assert.Contains(t, r.Codes(), reach.EgressOnlyNoInbound.OnLeg(reach.Return), r.Text())
			}
		})
	}
}
