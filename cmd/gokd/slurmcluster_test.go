package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slurmCluster is a one-node Slurm cluster that a test starts and stops itself: munged, slurmctld and slurmd as
// this (root) user, every daemon addressed as 127.0.0.1, their state and logs in a temporary folder, no systemd.
type slurmCluster struct {
	dir  string
	conf string
	env  []string // This process's environment with SLURM_CONF set.
}

// slurmPackages are the Debian packages the cluster needs (scripts/setup.sh test installs them).
const slurmPackages = "slurmctld, slurmd, slurm-client and munge"

// startSlurm starts the cluster, or skips the test with the reason when it cannot run here.
func startSlurm(t *testing.T) *slurmCluster {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the Slurm test starts slurmd, which needs root")
	}
	for _, bin := range []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("Slurm is not installed (`make setup-test` installs Debian's %s): %v", slurmPackages, err)
		}
	}
	dir, err := os.MkdirTemp("", "gokd-slurm-") // Short: munge's socket path must fit a sockaddr.
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c := &slurmCluster{dir: dir, conf: filepath.Join(dir, "slurm.conf")}
	c.env = append(os.Environ(), "SLURM_CONF="+c.conf)
	for _, sub := range []string{"munge", "state", "spool", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, 1024)
	if f, err := os.Open("/dev/urandom"); err == nil {
		_, _ = f.Read(key)
		_ = f.Close()
	}
	keyFile := filepath.Join(dir, "munge", "munge.key")
	if err := os.WriteFile(keyFile, key, 0o400); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(dir, "munge", "munge.socket")
	c.daemon(t, "munged", "-F", "--force", "--key-file="+keyFile, "--socket="+socket, "--origin=127.0.0.1",
		"--pid-file="+filepath.Join(dir, "munge", "munged.pid"), "--seed-file="+filepath.Join(dir, "munge", "seed"),
		"--log-file="+filepath.Join(dir, "log", "munged.log"))
	waitFor(t, 10*time.Second, "munged's socket", func() bool { _, err := os.Stat(socket); return err == nil })
	if err := os.WriteFile(c.conf, []byte(c.config(t, socket)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.daemon(t, "slurmctld", "-D", "-i", "-f", c.conf)
	c.daemon(t, "slurmd", "-D", "-f", c.conf)
	waitFor(t, 60*time.Second, "the node to be idle", func() bool {
		out, err := c.command("sinfo", "-h", "-o", "%t")
		return err == nil && strings.TrimSpace(out) == "idle"
	})
	t.Cleanup(func() { _, _ = c.command("scancel", "--partition=gokd") }) // Before the daemons stop.
	return c
}

// config is slurm.conf: one node, this machine, with its CPUs, as 127.0.0.1.
func (c *slurmCluster) config(t *testing.T, mungeSocket string) string {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ = strings.Cut(host, ".")
	lines := []string{
		"ClusterName=gokdtest",
		fmt.Sprintf("SlurmctldHost=%s(127.0.0.1)", host),
		fmt.Sprintf("SlurmctldPort=%d", freePort(t)),
		fmt.Sprintf("SlurmdPort=%d", freePort(t)),
		"SlurmUser=root", "SlurmdUser=root",
		"AuthType=auth/munge", "CredType=cred/munge", "AuthInfo=socket=" + mungeSocket,
		"StateSaveLocation=" + filepath.Join(c.dir, "state"), "SlurmdSpoolDir=" + filepath.Join(c.dir, "spool"),
		"SlurmctldPidFile=" + filepath.Join(c.dir, "slurmctld.pid"), "SlurmdPidFile=" + filepath.Join(c.dir, "slurmd.pid"),
		"SlurmctldLogFile=" + filepath.Join(c.dir, "log", "slurmctld.log"),
		"SlurmdLogFile=" + filepath.Join(c.dir, "log", "slurmd.log"),
		"ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "MpiDefault=none",
		"SelectType=select/cons_tres", "SelectTypeParameters=CR_CPU", "SchedulerType=sched/backfill",
		"ReturnToService=2", "JobRequeue=1", "MinJobAge=3600", "SlurmdParameters=config_overrides",
		"JobCompType=jobcomp/none", "AccountingStorageType=accounting_storage/none", "JobAcctGatherType=jobacct_gather/none",
		fmt.Sprintf("NodeName=%s NodeAddr=127.0.0.1 CPUs=%d RealMemory=%d State=UNKNOWN", host, runtime.NumCPU(), memoryMB()*3/4),
		"PartitionName=gokd Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
	}
	return strings.Join(lines, "\n") + "\n"
}

// daemon starts a daemon in the foreground of a child process, stopped (SIGTERM, then SIGKILL) when the test ends.
func (c *slurmCluster) daemon(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = c.env
	log, err := os.Create(filepath.Join(c.dir, "log", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start %s (`make setup-test` installs Debian's %s): %v", name, slurmPackages, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = log.Close()
	})
}

// command runs a Slurm command against the cluster and returns its output.
func (c *slurmCluster) command(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// must is command, failing the test on an error.
func (c *slurmCluster) must(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := c.command(name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// jobStates returns the state of each job of the cluster (array tasks one by one), by id ("12_3" or "12").
func (c *slurmCluster) jobStates(t *testing.T) map[string]string {
	t.Helper()
	states := map[string]string{}
	out, err := c.command("scontrol", "show", "job", "-o")
	if err != nil {
		return states // No job yet: "No jobs in the system".
	}
	scanner := bufio.NewScanner(strings.NewReader(out))
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		fields := map[string]string{}
		for _, f := range strings.Fields(scanner.Text()) {
			if k, v, ok := strings.Cut(f, "="); ok {
				fields[k] = v
			}
		}
		id := fields["JobId"]
		if array, ok := fields["ArrayJobId"]; ok {
			id = array + "_" + fields["ArrayTaskId"]
		}
		states[id] = fields["JobState"]
	}
	return states
}

// waitIdle waits until no job of the cluster is pending or running, and returns the jobs' final states.
func (c *slurmCluster) waitIdle(t *testing.T, timeout time.Duration) map[string]string {
	t.Helper()
	var states map[string]string
	waitFor(t, timeout, "every job to end", func() bool {
		states = c.jobStates(t)
		for _, s := range states {
			if s == "PENDING" || s == "RUNNING" || s == "CONFIGURING" || s == "COMPLETING" || s == "REQUEUED" {
				return false
			}
		}
		return true
	}, func() string { return c.must(t, "squeue", "-o", "%i %T %r") })
	return states
}

// waitFor polls cond every 100 ms until it holds, failing the test after timeout with what explain says.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, explain ...func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			detail := ""
			for _, e := range explain {
				detail += "\n" + e()
			}
			t.Fatalf("waited %v for %s%s", timeout, what, detail)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort returns a TCP port free on 127.0.0.1 now.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// memoryMB is this machine's memory in MiB (4 GiB when /proc/meminfo cannot be read).
func memoryMB() int {
	blob, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 4096
	}
	for line := range strings.Lines(string(blob)) {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "MemTotal:" {
			if kB, err := strconv.Atoi(fields[1]); err == nil {
				return kB / 1024
			}
		}
	}
	return 4096
}
