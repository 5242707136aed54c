module github.com/reachsim/reachsim

go 1.26.0

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/hashicorp/terraform-json v0.29.0
	github.com/stretchr/testify v1.12.1
	github.com/yl2chen/cidranger v1.0.2
	golang.org/x/exp v0.0.0-20261014143641-f0251eb4aa3e
)

require (
	github.com/apparentlymart/go-textseg/v15 v15.0.0 // indirect
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/zclconf/go-cty v1.16.4 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.11.0 // indirect
)
