#!/usr/bin/env python3
"""The library's module graph: for each top-level module under src/, the modules it uses
(`crate::<module>` outside comments and test modules), then any cycle. Exit status 1 when the
graph has a cycle; `.ci/run` runs it. Usage: scripts/module-graph.py (from the repository root).
"""
import os,re,sys,collections
root='src'
mods=sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root,d)) and d!='bin')+[f[:-3] for f in os.listdir(root) if f.endswith('.rs') and f not in('lib.rs','main.rs')]
edges=collections.defaultdict(set)
for m in mods:
    paths=[]
    p=os.path.join(root,m)
    if os.path.isdir(p):
        for dp,_,fs in os.walk(p):
            paths+= [os.path.join(dp,f) for f in fs if f.endswith('.rs')]
    else: paths=[p+'.rs']
    for f in paths:
        for line in open(f):
            s=line.strip()
            if s.startswith('#[cfg(test)]'): break
            if s.startswith('//'): continue
            for t in re.findall(r'crate::([a-z_]+)',s):
                if t!=m and t in mods: edges[m].add(t)
for m in mods: print(f"{m} -> {' '.join(sorted(edges[m]))}")
# cycles via SCC
index={};low={};st=[];on=set();res=[];i=[0]
def sc(v):
    index[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
    for w in edges[v]:
        if w not in index: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],index[w])
    if low[v]==index[v]:
        c=[]
        while True:
            w=st.pop();on.discard(w);c.append(w)
            if w==v:break
        if len(c)>1: res.append(sorted(c))
for m in mods:
    if m not in index: sc(m)
if res:
    print("cycles:", res)
    sys.exit(1)
print("no cycles")
