#!/usr/bin/env python3
"""Write a raw-IPv4 pcap of N simultaneous TCP flows, to measure what a conversation costs.

Each flow (client 10.a.b.c:1024+i%60000 to 10.0.0.2:PORT) gets a SYN, a SYN/ACK, an ACK and one
16-byte data segment; all SYNs come first, then all SYN/ACKs, ..., so every flow is open at once.
The bytes per conversation in `ReassemblyLimits::conversations` were measured with:

    python3 tools/simultaneous_flows.py 10000 80 a.pcap
    python3 tools/simultaneous_flows.py 200000 80 b.pcap
    /usr/bin/time -f %M wiresift filter 'tcp.stream == 4000000' a.pcap --count   # peak RSS, KB
    /usr/bin/time -f %M wiresift filter 'tcp.stream == 4000000' b.pcap --count

(difference / 190,000), and the same on port 25.

Usage: simultaneous_flows.py N PORT OUT.pcap
"""
import struct, sys
n=int(sys.argv[1]); port=int(sys.argv[2]); out=sys.argv[3]
def csum(b):
    s=sum(struct.unpack('!%dH'%(len(b)//2), b))
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
def frame(i, from_server, seq, ack, flags, payload=b''):
    c=bytes([10,(i>>16)+1,(i>>8)&255,i&255]); s=bytes([10,0,0,2])
    cp=1024+(i%60000)
    src,dst,sp,dp=(s,c,port,cp) if from_server else (c,s,cp,port)
    tcp=struct.pack('!HHIIBBHHH',sp,dp,seq,ack,0x50,flags,65535,0,0)+payload
    ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(tcp),1,0x4000,64,6,0,src,dst)
    ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
    return ip+tcp
with open(out,'wb') as f:
    f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,228))
    k=0
    def w(b):
        global k
        f.write(struct.pack('<IIII',k//1000,(k%1000)*1000,len(b),len(b))); f.write(b); k+=1
    for r in range(4):
        for i in range(n):
            if r==0: w(frame(i,False,999,0,0x02))
            elif r==1: w(frame(i,True,4999,1000,0x12))
            elif r==2: w(frame(i,False,1000,5000,0x10))
            else: w(frame(i,False,1000,5000,0x18,b'GET / HTTP/1.0\r\n'))
