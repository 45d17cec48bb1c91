# Sourced: a single-node Slurm cluster on this machine for one test, in a
# folder of its own: munged on its own socket, slurmctld and slurmd on
# ports 16817-16818, one node with the machine's CPUs in partition
# "lvslab", no cgroups (proctrack/linuxproc, task/none) and no accounting.
# slurm_start makes $slurm_dir and exports SLURM_CONF; slurm_stop stops
# what slurm_start started and removes the folder (call it from the
# test's EXIT trap). Needs root, munged, slurmctld, slurmd (scripts/deps.sh).

slurm_dir=
slurm_start() {
    slurm_dir=$(mktemp -d /tmp/lvslab-slurm.XXXXXX)
    chmod 755 "$slurm_dir"
    mkdir -p "$slurm_dir/state" "$slurm_dir/spool" "$slurm_dir/log"
    host=$(hostname -s)
    cat >"$slurm_dir/slurm.conf" <<CONF
ClusterName=lvslab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$slurm_dir/munge.sock
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/log/slurmctld.log
SlurmdLogFile=$slurm_dir/log/slurmd.log
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=lvslab Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$slurm_dir/slurm.conf"
    munged --socket="$slurm_dir/munge.sock" --pid-file="$slurm_dir/munged.pid" \
        --log-file="$slurm_dir/log/munged.log" --seed-file="$slurm_dir/munge.seed" --force ||
        { cat "$slurm_dir/log/munged.log"; echo "munged did not start"; return 1; }
    slurmctld -f "$SLURM_CONF" || { cat "$slurm_dir/log/slurmctld.log"; echo "slurmctld did not start"; return 1; }
    slurmd -f "$SLURM_CONF" || { cat "$slurm_dir/log/slurmd.log"; echo "slurmd did not start"; return 1; }
    # the node is idle once slurmd has registered (bounded: 30 s)
    k=0
    until sinfo -h -o %t 2>/dev/null | grep -qx idle; do
        k=$((k + 1)); [ $k -le 150 ] || { sinfo; tail -n 20 "$slurm_dir/log/slurmctld.log"; echo "the node never came up"; return 1; }
        sleep 0.2
    done
}

slurm_stop() {
    [ -n "$slurm_dir" ] || return 0
    for daemon in slurmd slurmctld munged; do
        pid=$(cat "$slurm_dir/$daemon.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
        k=0
        while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $k -lt 50 ]; do k=$((k + 1)); sleep 0.1; done
        [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$slurm_dir"
}
