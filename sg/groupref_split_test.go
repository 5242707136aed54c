package sg_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/sg"
)

// "account/sg-…" (the VPC Peering Guide's form for a group of another
// account) splits into the account and the ID; anything else is an ID
// whole.
func TestSplitGroupRef(t *testing.T) {
	tests := []struct {
		ref, account, id string
	}{
		{"sg-a", "", "sg-a"},
		{"111122223333/sg-a", "111122223333", "sg-a"},
		{"11112222333/sg-a", "", "11112222333/sg-a"},     // 11 digits
		{"1111222233334/sg-a", "", "1111222233334/sg-a"}, // 13 digits
		{"11112222333x/sg-a", "", "11112222333x/sg-a"},
		{"111122223333/pl-a", "", "111122223333/pl-a"},
		{"111122223333/", "", "111122223333/"},
		{"/sg-a", "", "/sg-a"},
		{"", "", ""},
		{"111122223333/sg-a/sg-b", "", "111122223333/sg-a/sg-b"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			account, id := sg.SplitGroupRef(tt.ref)
			assert.Equal(t, tt.account, account)
			assert.Equal(t, tt.id, id)
		})
	}
}
