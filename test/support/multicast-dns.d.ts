// multicast-dns ships no types; only the LAN attackers in test/support use it.
declare module "multicast-dns" {
  const makeMdns: (options: object) => {
    on(event: "query" | "response", listener: (packet: any) => void): void;
    respond(packet: object): void;
    destroy(): void;
  };
  export default makeMdns;
}
