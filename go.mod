module github.com/reachsim/reachsim

go 1.26.0

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/stretchr/testify v1.12.1
	github.com/yl2chen/cidranger v1.0.2
	golang.org/x/exp v0.0.0-20261014143641-f0251eb4aa3e
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
