//go:build linux

package inputfile

import (
	"io/fs"
	"syscall"
)

// pseudoFS names the kernel's pseudo file systems by their statfs magic
// number (linux/magic.h). Their files are regular by stat, of size 0 or
// 4096 whatever they hold, and a read of some waits for the kernel
// (/proc/kmsg, tracefs's trace_pipe) or never ends: no input lives there.
var pseudoFS = map[uint32]string{
	0x9fa0:     "procfs",
	0x62656572: "sysfs",
	0x74726163: "tracefs",
	0x64626720: "debugfs",
	0x73636673: "securityfs",
	0x62656570: "configfs",
	0x0027e0eb: "cgroupfs",
	0x63677270: "cgroup2fs",
	0xcafe4a11: "bpffs",
	0xde5e81e4: "efivarfs",
	0x6165676c: "pstorefs",
}

// pseudoFile returns the name of the kernel pseudo file system f is on,
// "" when it is on another or when f cannot say (not an *os.File, or the
// fstatfs failed: the read's deadline still guards).
func pseudoFile(f fs.File) string {
	sc, ok := f.(syscall.Conn)
	if !ok {
		return ""
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return ""
	}
	var st syscall.Statfs_t
	var statErr error
	if err := raw.Control(func(fd uintptr) { statErr = syscall.Fstatfs(int(fd), &st) }); err != nil || statErr != nil {
		return ""
	}
	return pseudoFS[uint32(st.Type)]
}
