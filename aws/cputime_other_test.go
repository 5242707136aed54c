//go:build !unix

package aws_test

import "time"

// cpuTime is unknown here: BenchmarkLoad reports no cpu-s/op.
func cpuTime() time.Duration { return 0 }
