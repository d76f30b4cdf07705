import { CLOUD_ENV } from './env';

App({
  onLaunch() {
    if (!wx.cloud) {
      console.error('wx.cloud is missing: cloud development needs base library 2.2.3 or later');
      return;
    }
    // traceUser: the user shows up in the console's user list of this environment.
    wx.cloud.init({ env: CLOUD_ENV, traceUser: true });
  },
});
