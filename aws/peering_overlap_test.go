package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A peering request between VPCs whose blocks overlap makes a connection
// of status failed (EC2 API reference, CreateVpcPeeringConnection), which
// describe-vpc-peering-connections lists for a while: the dump loads,
// the connection carrying nothing.
func TestLoadFailedPeeringOfOverlappingVPCs(t *testing.T) {
	fsys := peeringFS(t)
	loadEdit(t, fsys, "peering/vpcs.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"VpcId": "vpc-d", "State": "available", "CidrBlock": "10.1.0.0/16",
			"CidrBlockAssociationSet": [{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}}]}`), "Vpcs")
	})
	loadEdit(t, fsys, "peering/vpc-peering-connections.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"VpcPeeringConnectionId": "pcx-ad",
			"RequesterVpcInfo": {"VpcId": "vpc-a", "CidrBlock": "10.1.0.0/16"},
			"AccepterVpcInfo": {"VpcId": "vpc-d"},
			"Status": {"Code": "failed", "Message": "Failed: The CIDRs of the VPCs overlap"}}`), "VpcPeeringConnections")
	})
	m, rep, err := aws.LoadFS(fsys, "peering")
	require.NoError(t, err, "a failed peering of overlapping VPCs is in a fresh dump")
	assert.Equal(t, 4, rep.Counts["vpc-peering-connections"])
	r, err := m.Check(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.True(t, r.Reachable, r.Text())
}
