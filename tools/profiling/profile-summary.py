#!/usr/bin/env python3
"""Sums an async-profiler collapsed profile by what ran: the JIT, GC, Hazelcast, the Vert.x event
loop, the VM, other. usage: profile-summary.py <file.folded> [category ...] (lists the leaf frames of those)"""
import sys,collections,re
f=sys.argv[1]; c=collections.Counter(); tot=0; sub=collections.defaultdict(collections.Counter)
rules=[('jit',r'CompileBroker|C2Compiler|Compile::'),('gc',r'G1|GCTask|ConcurrentGCThread|WorkerThread::run'),
('hz',r'com/hazelcast'),('vertx-eventloop',r'NioIoHandler|SingleThreadIoEventLoop|NioEventLoop|EpollEventLoop|SingleThreadEventExecutor'),
('vm',r'VMThread|WatcherThread|VM_|MonitorDeflation')]
for line in open(f):
    st,n=line.rstrip().rsplit(' ',1); n=int(n); tot+=n
    k='other'
    for name,rx in rules:
        if re.search(rx,st): k=name; break
    c[k]+=n
    fr=st.split(';')
    # dig: first hub / vertx / netty frame below the event-loop's run
    if k=='vertx-eventloop':
        key=None
        for x in fr:
            if x.startswith('dev/hub/'): key='hub:'+x; break
        if not key:
            for x in fr[::-1]:
                pass
        for x in fr:
            if re.search(r'processSelectedKey|runAllTasks|runTasks|select|epoll_wait|scheduledTask|ScheduledFutureTask',x): key=(key or '')+' | '+x; break
        sub[k][key or fr[-1]]+=n
    else:
        sub[k][fr[-1]]+=n
print('total',tot)
for k,v in c.most_common(): print('%6d %5.1f%% %s'%(v,100*v/tot,k))
for k in sys.argv[2:]:
    print('--',k)
    for x,v in sub[k].most_common(25): print('%6d %5.1f%% %s'%(v,100*v/tot,x))
