/** A ComfyUI server's address as users type it, in the one form the page and the relay compare. */
import { describe, expect, it } from 'vitest';
import { normalizeComfyuiAddress, normalizeServerAddress, serverFromSegment, serverSegment } from '../../src/providers/comfyui/server-address';

const url = (text: string) => {
  const address = normalizeServerAddress(text);
  return address.ok ? address.url : `error: ${address.error}`;
};

describe('ComfyUI server addresses', () => {
  it('take what users type: a bare host and port, a trailing slash, a path prefix, https, IPv6', () => {
    expect(url('127.0.0.1:8188')).toBe('http://127.0.0.1:8188');
    expect(url(' localhost:8188/ ')).toBe('http://localhost:8188');
    expect(url('http://GPU-2.lan:8188')).toBe('http://gpu-2.lan:8188');
    expect(url('https://gpu.example/comfy/')).toBe('https://gpu.example/comfy');
    expect(url('http://[fd00::2]:8188')).toBe('http://[fd00::2]:8188');
  });

  it("are ComfyUI's own when typed bare: its port when none is given, and localhost as 127.0.0.1, where it listens", () => {
    const comfy = (text: string) => {
      const address = normalizeComfyuiAddress(text);
      return address.ok ? address.url : `error: ${address.error}`;
    };
    expect(comfy('localhost:8188/')).toBe('http://127.0.0.1:8188');
    expect(comfy('localhost')).toBe('http://127.0.0.1:8188');
    expect(comfy('gpu-2')).toBe('http://gpu-2:8188');
    expect(comfy('192.168.1.20:9000')).toBe('http://192.168.1.20:9000');
    expect(comfy('[fd00::2]')).toBe('http://[fd00::2]:8188');
    // A scheme typed means the address is whole: a proxy on 443 or 80 keeps its own port.
    expect(comfy('https://gpu.example/comfy/')).toBe('https://gpu.example/comfy');
    expect(comfy('http://localhost/comfy')).toBe('http://127.0.0.1/comfy');
    expect(comfy('gpu box')).toMatch(/^error: "gpu box" is not a server address/);
  });

  it('refuse what is not an address, naming it and showing one that is', () => {
    expect(url('')).toMatch(/^error: no ComfyUI server address: expected an address such as http:\/\/192\.168\.1\.20:8188/);
    expect(url('gpu box:8188')).toMatch(/^error: "gpu box:8188" is not a server address/);
    expect(url('ftp://gpu:21')).toMatch(/is not a web address \(ftp:\)/);
    expect(url('http://me:pw@gpu:8188')).toMatch(/carries a user name or password/);
    expect(url('http://gpu:8188/?x=1')).toMatch(/has a query or fragment/);
  });

  it('travel as one path segment and come back unchanged', () => {
    for (const server of ['http://127.0.0.1:8188', 'https://gpu.example/comfy', 'http://[fd00::2]:8188']) {
      const segment = serverSegment(server);
      expect(segment).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(serverFromSegment(segment)).toBe(server);
    }
    expect(serverFromSegment('%%%')).toBeUndefined();
  });
});
