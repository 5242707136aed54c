package aws_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reachsim/reachsim/aws"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sample"
)

// FuzzLoadAWS loads one arbitrary file: no input may panic, and every
// error names the file.
func FuzzLoad(f *testing.F) {
	entries, err := fs.ReadDir(sample.AWSDump, "aws")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(sample.AWSDump, "aws/"+e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Entries": [{"Cidr": "10.0.0.0/8"}]}`))
	f.Add([]byte(`{"PrefixLists": [{"PrefixListId": "pl-1"}], "Entries": [{"Cidr": "10.0.0.0/33"}]}`))
	f.Add([]byte(`{"Addresses": [{"PublicIp": "203.0.113.11", "AllocationId": "eipalloc-1", "NetworkInterfaceId": "eni-web1", "PrivateIpAddress": "10.0.1.11"}]}`))
	f.Add([]byte(`{"VpcBlockPublicAccessOptions": {"AwsRegion": "us-east-1", "State": "update-complete", "InternetGatewayBlockMode": "block-ingress"}}`))
	f.Add([]byte(`{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "vpcbpa-exclude-1", "InternetGatewayExclusionMode": "allow-egress", "ResourceArn": "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-public", "State": "create-complete"}]}`))
	f.Add([]byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "BlockPublicAccessStates": {"InternetGatewayBlockMode": "block-bidirectional"}}]}`))
	gws, err := os.ReadDir("testdata/gateways")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range gws {
		data, err := os.ReadFile("testdata/gateways/" + e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Gateway", "VpcId": "vpc-1", "ServiceName": "s", "State": "available", "PolicyDocument": "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"*\"]}, \"Action\": \"*\", \"Resource\": \"*\"}}"}]}`))
	f.Add([]byte(`{"EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1", "Attachments": [{"State": "attached", "VpcId": "vpc-1"}, {"VpcId": "vpc-2"}]}]}`))
	f.Add([]byte(`{"PrefixLists": [{"PrefixListId": "pl-1", "Cidrs": ["10.0.0.0/8"]}], "Entries": [{"Cidr": "10.0.0.0/9"}]}`))
	f.Add([]byte(`{"NatGateways": [{"NatGatewayId": "nat-1", "SubnetId": "subnet-1", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"PrivateIp": "10.0.0.5"}]}]}`))
	f.Add([]byte(`{"TransitGateways": [{"TransitGatewayId": "tgw-1", "Options": {"SecurityGroupReferencingSupport": "enable"}}], "TransitGatewayVpcAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "VpcId": "vpc-1", "SubnetIds": ["subnet-1"], "Options": {"SecurityGroupReferencingSupport": "disable"}}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	const name = "dump/pl-0fuzz.json"
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{name: &fstest.MapFile{Data: data}}
		m, rep, err := aws.LoadFS(fsys, "dump")
		require.NotNil(t, rep)
		if err == nil {
			require.NotNil(t, m)
			return
		}
		require.Nil(t, m)
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			var ie *flow.InputError
			require.True(t, errors.As(e, &ie), "%T: %v", e, e)
			require.Equal(t, name, ie.File, "%v", e)
			require.True(t, strings.HasPrefix(e.Error(), name+": "), "%v", e)
		}
	})
}
