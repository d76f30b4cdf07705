/* global App, wx -- the mini program runtime's globals */
App({
  onLaunch() {
    wx.cloud.init({ env: 'prod-1a2b', traceUser: true });
  },
});
