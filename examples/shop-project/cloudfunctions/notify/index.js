const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event) => {
  // A cloud call (云调用): allowed by permissions.openapi in config.json.
  const sent = await cloud.openapi.subscribeMessage.send({
    touser: event.openid,
    templateId: 'order-created-template',
    page: 'pages/index/index',
    data: { thing1: { value: 'order ' + event.orderId } },
  });
  await cloud
    .database()
    .collection('notifications')
    .add({ data: { orderId: event.orderId, errCode: sent.errCode } });
  console.log('notified', event.openid, 'errCode', sent.errCode);
  return { sent: sent.errCode === 0 };
};
