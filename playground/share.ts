/**
 * The playground's state in the URL fragment, so that a link shares an architecture: `#file=PATH&net=NAME&
 * set=A%3D1;B%3D2&src=TEXT`, TEXT being the source deflated (CompressionStream's raw deflate, in the browser)
 * and written in base64url. The fragment never reaches a server.
 */
export interface Shared {
  /** The buffer's path in the memory host. */
  file: string;
  network?: string;
  args: string[];
  text?: string;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export async function encodeState(state: Shared): Promise<string> {
  const params = new URLSearchParams();
  params.set('file', state.file);
  if (state.network) params.set('net', state.network);
  if (state.args.length > 0) params.set('set', state.args.join(';'));
  if (state.text !== undefined) {
    const packed = await pipe(new TextEncoder().encode(state.text), new CompressionStream('deflate-raw'));
    params.set('src', toBase64Url(packed));
  }
  return params.toString();
}

/** The state in a fragment (without its `#`), or undefined when it holds none or cannot be read. */
export async function decodeState(fragment: string): Promise<Shared | undefined> {
  const params = new URLSearchParams(fragment);
  const file = params.get('file');
  if (!file) return undefined;
  const set = params.get('set');
  const state: Shared = { file, args: set ? set.split(';').filter((s) => s !== '') : [] };
  const network = params.get('net');
  if (network) state.network = network;
  const src = params.get('src');
  if (src) {
    try {
      const bytes = await pipe(fromBase64Url(src), new DecompressionStream('deflate-raw'));
      state.text = new TextDecoder().decode(bytes);
    } catch {
      return undefined;
    }
  }
  return state;
}
