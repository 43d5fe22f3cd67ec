// An S3-protocol server for the tests (s3rver: objects on local disk): `node s3rver-main.mjs DIR [PORT]`
// prints `listening PORT` once it answers. Two buckets: one whose CORS lets a page Range-read it, one without.
import S3rver from "s3rver";

const [directory, port = "0"] = process.argv.slice(2);
const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>
<AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>Content-Range</ExposeHeader>
<ExposeHeader>Content-Length</ExposeHeader><ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>`;
const server = new S3rver({
  address: "127.0.0.1",
  port: Number(port),
  silent: true,
  directory,
  configureBuckets: [{ name: "tickscope-cors", configs: [CORS] }, { name: "tickscope-plain" }],
});
const address = await server.run();
process.stdout.write(`listening ${address.port}\n`);
