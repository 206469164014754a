#!/usr/bin/env python3
"""CPU per thread of JVMs over a window, from /proc/<pid>/task/*/schedstat (nanoseconds on CPU)
and context switches (wake-ups), threads named by jstack, numbers folded to #.
usage: thread-cpu.py <pid,pid,...> <seconds>"""
import sys,os,time,subprocess,re,collections
pids=[int(p) for p in sys.argv[1].split(',')]; secs=float(sys.argv[2])
def snap(pid):
    d={}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            ns=int(open(f'/proc/{pid}/task/{tid}/schedstat').read().split()[0])
            st=open(f'/proc/{pid}/task/{tid}/status').read()
            cs=sum(int(x) for x in re.findall(r'ctxt_switches:\s+(\d+)',st))
            d[int(tid)]=(ns,cs)
        except Exception: pass
    return d
def names(pid):
    out=subprocess.run(['jstack',str(pid)],capture_output=True,text=True).stdout
    m={}
    for line in out.splitlines():
        mm=re.match(r'^"([^"]+)".*nid=0x([0-9a-f]+)',line)
        if mm: m[int(mm.group(2),16)]=mm.group(1)
    return m
a={p:snap(p) for p in pids}; t0=time.time(); time.sleep(secs); b={p:snap(p) for p in pids}; el=time.time()-t0
for p in pids:
    nm=names(p); agg=collections.defaultdict(lambda:[0,0,0])
    tot=0
    for tid,(ns,cs) in b[p].items():
        ns0,cs0=a[p].get(tid,(0,0)); d=ns-ns0; tot+=d
        n=re.sub(r'\d+','#',nm.get(tid,open(f'/proc/{p}/task/{tid}/comm').read().strip() if os.path.exists(f'/proc/{p}/task/{tid}/comm') else '?'))
        n=re.sub(r'^hz\.[a-z_]+\.','hz.',n)
        agg[n][0]+=d; agg[n][1]+=cs-cs0; agg[n][2]+=1
    print(f'== pid {p}: {tot/1e6/el:.2f} ms/s over {el:.1f}s')
    for n,(d,cs,k) in sorted(agg.items(),key=lambda x:-x[1][0])[:22]:
        print(f'{d/1e6/el:8.3f} ms/s {cs/el:8.1f} switches/s  x{k} {n}')
