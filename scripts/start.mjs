// The one-command start. Today the repository holds the JT/T 808 codec and its `jt808` command;
// the gateway, platform, simulator and console join this script as their issues land.
console.log(`jt808 platform — what runs today:
  protocol/   JT/T 808 codec library, built into protocol/dist
              try: npx jt808 decode 7e000200000139123456780001337e
  gateway/, platform/, console/, simulators/: not built yet (see README "Status").`);
